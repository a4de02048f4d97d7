"""Workplan's worker: `rtw-workplan-worker` (outbox relay + case consumer that opens draft plans)."""

from rtw_shared.worker import WorkerSpec, run_worker

from . import models  # noqa: F401 — every table on the metadata, so foreign keys resolve
from .handlers import HANDLERS, TOPICS
from .settings import WorkplanSettings


def spec(settings: WorkplanSettings | None = None) -> WorkerSpec:
    """What the worker consumes (intake's case topic) and how it applies it."""
    return WorkerSpec(settings=settings or WorkplanSettings(), consumer_name="workplan", topics=TOPICS,
                      handlers=HANDLERS)


def main() -> None:
    """Run the relay and the consumer until SIGTERM."""
    run_worker(spec())


if __name__ == "__main__":
    main()
