"""Intake's worker: `rtw-intake-worker` (outbox relay + status projection consumer)."""

from rtw_shared.worker import WorkerSpec, run_worker

from . import models  # noqa: F401 — every table on the metadata, so foreign keys resolve
from .handlers import HANDLERS, TOPICS
from .settings import IntakeSettings


def spec(settings: IntakeSettings | None = None) -> WorkerSpec:
    return WorkerSpec(settings=settings or IntakeSettings(), consumer_name="intake", topics=TOPICS,
                      handlers=HANDLERS)


def main() -> None:
    run_worker(spec())


if __name__ == "__main__":
    main()
