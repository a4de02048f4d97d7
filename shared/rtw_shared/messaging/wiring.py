"""Event handlers, declared once, by event class (as cosmicpython's message bus maps them).

    @handles(CaseCreatedV1)
    def on_case_created(uow, envelope): ...

A handler may take a whole run of events at once — `@handles(CaseCreatedV1, batch=True)` on a
function of `(uow, envelopes)` — when applying them together leaves exactly what applying them one
by one in order would (set-based statements instead of a few per event: make bench's consumer
figure). It still serves single events: `Handlers` hands the consumer a one-event form of it.

A service's worker collects the modules that hold its handlers — `Handlers(cases.handlers,
plans.handlers)` — and everything else follows: the topics it consumes come from the classes
(each event class names its topic), and two handlers for one event class fail at start-up
instead of one silently replacing the other."""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from types import ModuleType

from rtw_shared.events.base import Envelope, EventPayload
from rtw_shared.uow import UnitOfWork

Handler = Callable[[UnitOfWork, Envelope], None]
BatchHandler = Callable[[UnitOfWork, list[Envelope]], None]
_MARK = "__rtw_handles__"
_BATCH_MARK = "__rtw_handles_batches__"


def handles(*event_classes: type[EventPayload], batch: bool = False) -> Callable:
    """Declare that the decorated function applies events of `event_classes` (`batch`: it takes a
    list of envelopes, in order, and applies them as one by one would)."""

    def mark(handler):
        setattr(handler, _MARK, (*getattr(handler, _MARK, ()), *event_classes))
        if batch:
            setattr(handler, _BATCH_MARK, True)
        return handler

    return mark


def _one_at_a_time(batch_handler: BatchHandler) -> Handler:
    def handle_one(uow: UnitOfWork, envelope: Envelope) -> None:
        batch_handler(uow, [envelope])

    handle_one.__qualname__ = f"{batch_handler.__qualname__}[one]"
    return handle_one


class Handlers(Mapping[str, Handler]):
    """Event type → handler, gathered from the `@handles` functions of `modules`."""

    def __init__(self, *modules: ModuleType):
        self.by_class: dict[type[EventPayload], Handler] = {}
        self._batches: dict[str, BatchHandler] = {}
        for module in modules:
            for declared in _declared_in(module):
                is_batch = getattr(declared, _BATCH_MARK, False)
                handler = _one_at_a_time(declared) if is_batch else declared
                for event_class in getattr(declared, _MARK):
                    self._add(event_class, handler)
                    if is_batch:
                        self._batches[event_class.TYPE] = declared
        self._by_type = {cls.TYPE: handler for cls, handler in self.by_class.items()}

    def batch_handler(self, event_type: str) -> BatchHandler | None:
        """The handler that applies a run of `event_type` events at once, if there is one."""
        return self._batches.get(event_type)

    def _add(self, event_class: type[EventPayload], handler: Handler) -> None:
        existing = self.by_class.get(event_class)
        if existing is not None and existing is not handler:
            raise TypeError(f"two handlers for {event_class.__name__}: {_name(existing)} and {_name(handler)}")
        self.by_class[event_class] = handler

    @property
    def topics(self) -> list[str]:
        """The topics these handlers' events travel on, in a stable order."""
        return sorted({cls.TOPIC.name for cls in self.by_class})

    def __getitem__(self, event_type: str) -> Handler:
        return self._by_type[event_type]

    def __iter__(self) -> Iterator[str]:
        return iter(self._by_type)

    def __len__(self) -> int:
        return len(self._by_type)


def _declared_in(module: ModuleType) -> list[Handler]:
    return [
        value
        for value in vars(module).values()
        if callable(value) and hasattr(value, _MARK) and getattr(value, "__module__", None) == module.__name__
    ]


def _name(handler: Handler) -> str:
    return f"{handler.__module__}.{handler.__qualname__}"
