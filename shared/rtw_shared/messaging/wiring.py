"""Event handlers, declared once, by event class (as cosmicpython's message bus maps them).

    @handles(CaseCreatedV1)
    def on_case_created(uow, envelope): ...

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
_MARK = "__rtw_handles__"


def handles(*event_classes: type[EventPayload]) -> Callable[[Handler], Handler]:
    """Declare that the decorated function applies events of `event_classes`."""

    def mark(handler: Handler) -> Handler:
        setattr(handler, _MARK, (*getattr(handler, _MARK, ()), *event_classes))
        return handler

    return mark


class Handlers(Mapping[str, Handler]):
    """Event type → handler, gathered from the `@handles` functions of `modules`."""

    def __init__(self, *modules: ModuleType):
        self.by_class: dict[type[EventPayload], Handler] = {}
        for module in modules:
            for handler in _declared_in(module):
                for event_class in getattr(handler, _MARK):
                    self._add(event_class, handler)
        self._by_type = {cls.TYPE: handler for cls, handler in self.by_class.items()}

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
