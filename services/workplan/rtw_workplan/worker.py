"""Workplan's worker: `rtw-workplan-worker` (outbox relay; the consumer of intake's case events, which
keeps the case copy, opens draft plans from it and cancels the plans of ended cases, and of the employer's
accommodation events, which publish an accepted counter-proposal as the plan; the durable timers that
announce each week of a published plan's graduated schedule, on the process clock)."""

from rtw_shared.messaging.wiring import Handlers
from rtw_shared.worker import WorkerSpec, run_worker, timer_loop

from . import models  # noqa: F401 — every table on the metadata, so foreign keys resolve
from .plans import handlers as plan_handlers
from .plans.handlers import TIMER_HANDLERS
from .publication import handlers as publication_handlers
from .settings import WorkplanSettings


def spec(settings: WorkplanSettings | None = None) -> WorkerSpec[WorkplanSettings]:
    """What the worker consumes (the topics follow from the handlers' event classes) and how it applies it."""
    return WorkerSpec(
        settings=settings or WorkplanSettings(),
        consumer_name="workplan",
        handlers=Handlers(plan_handlers, publication_handlers),
        extra_loops=[timer_loop(TIMER_HANDLERS)],  # schedule weeks
    )


def main() -> None:
    """Run the relay, the consumer and the timers until SIGTERM."""
    run_worker(spec())


if __name__ == "__main__":
    main()
