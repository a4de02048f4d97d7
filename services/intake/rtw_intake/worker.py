"""Intake's worker: `rtw-intake-worker` (outbox relay + status projection consumer + the directory's sync)."""

from rtw_shared.messaging.wiring import Handlers
from rtw_shared.worker import WorkerSpec, run_worker

from . import models  # noqa: F401 — every table on the metadata, so foreign keys resolve
from .organisations.sync import DirectorySync
from .settings import IntakeSettings
from .status import handlers as status_handlers


def spec(settings: IntakeSettings | None = None) -> WorkerSpec[IntakeSettings]:
    """What intake's worker consumes (workplan's and employer's events) and runs (the directory's sync)."""
    return WorkerSpec(
        settings=settings or IntakeSettings(),
        consumer_name="intake",
        handlers=Handlers(status_handlers),
        extra_loops=[DirectorySync],
    )


def main() -> None:
    run_worker(spec())


if __name__ == "__main__":
    main()
