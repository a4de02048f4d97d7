"""Handlers declared by event class: topics follow, duplicates fail at start-up — pure."""

from __future__ import annotations

import types

import pytest

from rtw_shared.events import AccommodationDecidedV1, CaseCreatedV1, CaseStatusChangedV1
from rtw_shared.messaging.wiring import Handlers, handles


def module_with(name: str, **functions) -> types.ModuleType:
    module = types.ModuleType(name)
    for attr, function in functions.items():
        function.__module__ = name
        setattr(module, attr, function)
    return module


def test_handlers_are_found_by_class_and_topics_follow_from_the_classes():
    @handles(CaseCreatedV1, CaseStatusChangedV1)
    def on_case(uow, envelope): ...

    @handles(AccommodationDecidedV1)
    def on_decided(uow, envelope): ...

    handlers = Handlers(module_with("a", on_case=on_case), module_with("b", on_decided=on_decided))
    assert handlers[CaseCreatedV1.TYPE] is on_case and handlers[CaseStatusChangedV1.TYPE] is on_case
    assert handlers[AccommodationDecidedV1.TYPE] is on_decided
    assert handlers.topics == ["employer.accommodation.v1", "intake.case.v1"]


def test_two_handlers_for_one_event_class_fail_at_start_up():
    @handles(CaseCreatedV1)
    def first(uow, envelope): ...

    @handles(CaseCreatedV1)
    def second(uow, envelope): ...

    with pytest.raises(TypeError, match="two handlers for CaseCreatedV1"):
        Handlers(module_with("a", first=first), module_with("b", second=second))


def test_a_handler_imported_into_another_module_is_not_counted_twice():
    @handles(CaseCreatedV1)
    def on_created(uow, envelope): ...

    home = module_with("home", on_created=on_created)
    elsewhere = types.ModuleType("elsewhere")
    elsewhere.on_created = on_created
    assert Handlers(home, elsewhere)[CaseCreatedV1.TYPE] is on_created
