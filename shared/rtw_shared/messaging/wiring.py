"""Event handlers, declared once, by event class (as cosmicpython's message bus maps them).

    @handles(CaseCreatedV1)
    def on_case_created(uow, envelope): ...

A handler may take a whole run of events at once — `@handles(CaseCreatedV1, batch=True)` on a
function of `(uow, envelopes)` — when applying them together leaves exactly what applying them one
by one in order would (set-based statements instead of a few per event: make bench's consumer
figure).

A service's worker collects the modules that hold its handlers — `Handlers(cases.handlers,
plans.handlers)` — and everything else follows: the topics it consumes come from the classes
(each event class names its topic), and two handlers for one event class fail at start-up
instead of one silently replacing the other.

The consumer sees every handler in ONE shape, a `RunHandler` taking a run of envelopes: a batch
handler as it is, a one-event handler wrapped to take each event of the run in order. Whatever
gives the consumer its handlers (`Handlers`, or notify's webhook fan-out around them) is a
`HandlerMap`."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from types import ModuleType
from typing import Any, Protocol, TypeVar

from ..events.base import Envelope, EventPayload
from ..uow import UnitOfWork

Handler = Callable[[UnitOfWork, Envelope], None]
RunHandler = Callable[[UnitOfWork, list[Envelope]], None]
_MARK = "__rtw_handles__"
_BATCH_MARK = "__rtw_handles_batches__"
F = TypeVar("F", bound=Callable[..., None])


class HandlerMap(Protocol):
    """What the consumer needs of a service's handlers."""

    @property
    def topics(self) -> list[str]:
        """The topics the handled events travel on."""
        ...

    def handler_for(self, event_type: str) -> RunHandler | None:
        """What applies a run of `event_type` events (None: not this service's business). Event types
        with the same handler give the same object: the consumer applies such a run in one call."""
        ...

    def event_types(self) -> Iterable[str]:
        """Every event type handled."""
        ...


def handles(*event_classes: type[EventPayload], batch: bool = False) -> Callable[[F], F]:
    """Declare that the decorated function applies events of `event_classes` (`batch`: it takes a
    list of envelopes, in order, and applies them as one by one would)."""

    def mark(handler: F) -> F:
        setattr(handler, _MARK, (*getattr(handler, _MARK, ()), *event_classes))
        if batch:
            setattr(handler, _BATCH_MARK, True)
        return handler

    return mark


def each_in_turn(handler: Handler) -> RunHandler:
    """A one-event handler as a run handler: each event of the run, in order."""

    def handle_run(uow: UnitOfWork, envelopes: list[Envelope]) -> None:
        for envelope in envelopes:
            handler(uow, envelope)

    handle_run.__qualname__ = f"{handler.__qualname__}[each]"
    handle_run.__module__ = handler.__module__
    return handle_run


class Handlers:
    """Event type → run handler, gathered from the `@handles` functions of `modules` (a HandlerMap)."""

    def __init__(self, *modules: ModuleType):
        self._by_class: dict[type[EventPayload], RunHandler] = {}
        self._declared: dict[type[EventPayload], Callable[..., None]] = {}
        for module in modules:
            for declared in _declared_in(module):
                run_handler = declared if getattr(declared, _BATCH_MARK, False) else each_in_turn(declared)
                for event_class in getattr(declared, _MARK):
                    self._add(event_class, declared, run_handler)
        self._by_type = {cls.TYPE: handler for cls, handler in self._by_class.items()}

    def _add(self, event_class: type[EventPayload], declared: Callable[..., None], run_handler: RunHandler) -> None:
        existing = self._declared.get(event_class)
        if existing is not None and existing is not declared:
            raise TypeError(f"two handlers for {event_class.__name__}: {_name(existing)} and {_name(declared)}")
        if existing is None:
            self._declared[event_class] = declared
            self._by_class[event_class] = run_handler

    @property
    def topics(self) -> list[str]:
        """The topics these handlers' events travel on, in a stable order."""
        return sorted({cls.TOPIC.name for cls in self._by_class})

    def handler_for(self, event_type: str) -> RunHandler | None:
        """The run handler of `event_type`, if this service applies it."""
        return self._by_type.get(event_type)

    def declared_for(self, event_type: str) -> Callable[..., None] | None:
        """The function declared with `@handles` for `event_type` (what a reader of the code looks for)."""
        return next((f for cls, f in self._declared.items() if event_type == cls.TYPE), None)

    def event_types(self) -> Iterator[str]:
        return iter(self._by_type)


def _declared_in(module: ModuleType) -> list[Callable[..., None]]:
    return [
        value
        for value in vars(module).values()
        if callable(value) and hasattr(value, _MARK) and getattr(value, "__module__", None) == module.__name__
    ]


def _name(handler: Any) -> str:
    return f"{handler.__module__}.{handler.__qualname__}"
