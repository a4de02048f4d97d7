"""Employer's worker: `rtw-employer-worker` (outbox relay, case-copy and plan consumer, and the
durable timers that expire unanswered requests)."""

from sqlalchemy.engine import Engine

from rtw_shared.clock import process_clock
from rtw_shared.db import make_session_factory
from rtw_shared.messaging.wiring import Handlers
from rtw_shared.settings import ServiceSettings
from rtw_shared.timers import TimerLoop
from rtw_shared.uow import UnitOfWork
from rtw_shared.worker import WorkerSpec, run_worker

from . import models  # noqa: F401 — every table on the metadata, so foreign keys resolve
from .accommodations import expiry
from .accommodations import handlers as accommodation_handlers
from .settings import EmployerSettings


def timer_loop(engine: Engine, settings: ServiceSettings) -> TimerLoop:
    """Fires employer's due timers (request expiry) on the process clock (movable in tests)."""
    session_factory = make_session_factory(engine)
    return TimerLoop(
        lambda: UnitOfWork(session_factory, source=settings.service_name, topic_prefix=settings.topic_prefix),
        expiry.TIMER_HANDLERS,
        clock=process_clock(),
    )


def spec(settings: EmployerSettings | None = None) -> WorkerSpec:
    """What the worker consumes (the topics follow from the handlers' event classes) and runs."""
    return WorkerSpec(
        settings=settings or EmployerSettings(),
        consumer_name="employer",
        handlers=Handlers(accommodation_handlers),
        extra_loops=[timer_loop],
    )


def main() -> None:
    run_worker(spec())


if __name__ == "__main__":
    main()
