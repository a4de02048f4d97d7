"""Workplan's worker: `rtw-workplan-worker` (outbox relay; the consumer of intake's case events, which
keeps the case copy, opens draft plans and cancels the plans of ended cases; the durable timers that
announce each week of a published plan's graduated schedule, on the process clock)."""

from sqlalchemy.engine import Engine

from rtw_shared.clock import process_clock
from rtw_shared.db import make_session_factory
from rtw_shared.messaging.wiring import Handlers
from rtw_shared.settings import ServiceSettings
from rtw_shared.timers import TimerLoop
from rtw_shared.uow import UnitOfWork
from rtw_shared.worker import WorkerSpec, run_worker

from . import models  # noqa: F401 — every table on the metadata, so foreign keys resolve
from .plans import handlers as plan_handlers
from .plans.handlers import TIMER_HANDLERS
from .settings import WorkplanSettings


def timer_loop(engine: Engine, settings: ServiceSettings) -> TimerLoop:
    """The loop firing due timers, on the clock tests can move (RTW_CLOCK_OFFSET_FILE)."""
    session_factory = make_session_factory(engine)
    return TimerLoop(
        lambda: UnitOfWork(session_factory, source=settings.service_name, topic_prefix=settings.topic_prefix),
        TIMER_HANDLERS,
        clock=process_clock(),
    )


def spec(settings: WorkplanSettings | None = None) -> WorkerSpec:
    """What the worker consumes (the topics follow from the handlers' event classes) and how it applies it."""
    return WorkerSpec(
        settings=settings or WorkplanSettings(),
        consumer_name="workplan",
        handlers=Handlers(plan_handlers),
        extra_loops=[timer_loop],
    )


def main() -> None:
    """Run the relay, the consumer and the timers until SIGTERM."""
    run_worker(spec())


if __name__ == "__main__":
    main()
