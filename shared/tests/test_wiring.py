"""Handlers declared by event class: topics follow, duplicates fail at start-up, and every handler
reaches the consumer in one shape (a run handler) — pure."""

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
    assert handlers.declared_for(CaseCreatedV1.TYPE) is on_case
    assert handlers.declared_for(CaseStatusChangedV1.TYPE) is on_case
    assert handlers.declared_for(AccommodationDecidedV1.TYPE) is on_decided
    # One run handler per declared function: the consumer applies a run of both case types in one call.
    assert handlers.handler_for(CaseCreatedV1.TYPE) is handlers.handler_for(CaseStatusChangedV1.TYPE)
    assert handlers.handler_for(AccommodationDecidedV1.TYPE) is not handlers.handler_for(CaseCreatedV1.TYPE)
    assert handlers.handler_for("rtw.something.else.v1") is None
    assert handlers.topics == ["employer.accommodation.v1", "intake.case.v1"]


def test_a_one_event_handler_takes_each_event_of_a_run_in_order_and_a_batch_handler_the_run():
    seen: list[tuple[str, object]] = []

    @handles(CaseCreatedV1)
    def one(uow, envelope):
        seen.append(("one", envelope))

    @handles(AccommodationDecidedV1, batch=True)
    def many(uow, envelopes):
        seen.append(("many", list(envelopes)))

    handlers = Handlers(module_with("a", one=one, many=many))
    handlers.handler_for(CaseCreatedV1.TYPE)(None, ["e1", "e2"])
    handlers.handler_for(AccommodationDecidedV1.TYPE)(None, ["e3", "e4"])
    assert seen == [("one", "e1"), ("one", "e2"), ("many", ["e3", "e4"])]


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
    assert Handlers(home, elsewhere).declared_for(CaseCreatedV1.TYPE) is on_created
