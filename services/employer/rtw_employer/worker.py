"""Employer's worker: `rtw-employer-worker` (outbox relay, case-copy and plan consumer, and the
durable timers that expire unanswered requests)."""

from rtw_shared.messaging.wiring import Handlers
from rtw_shared.worker import WorkerSpec, run_worker, timer_loop

from . import models  # noqa: F401 — every table on the metadata, so foreign keys resolve
from .accommodations import expiry
from .accommodations import handlers as accommodation_handlers
from .settings import EmployerSettings


def spec(settings: EmployerSettings | None = None) -> WorkerSpec[EmployerSettings]:
    """What the worker consumes (the topics follow from the handlers' event classes) and runs."""
    return WorkerSpec(
        settings=settings or EmployerSettings(),
        consumer_name="employer",
        handlers=Handlers(accommodation_handlers),
        extra_loops=[timer_loop(expiry.TIMER_HANDLERS)],  # request expiry
    )


def main() -> None:
    run_worker(spec())


if __name__ == "__main__":
    main()
