"""Employer's worker: `rtw-employer-worker` (outbox relay + case-copy and plan consumer)."""

from rtw_shared.worker import WorkerSpec, run_worker

from . import models  # noqa: F401 — every table on the metadata, so foreign keys resolve
from .handlers import HANDLERS, TOPICS
from .settings import EmployerSettings


def spec(settings: EmployerSettings | None = None) -> WorkerSpec:
    return WorkerSpec(settings=settings or EmployerSettings(), consumer_name="employer", topics=TOPICS,
                      handlers=HANDLERS)


def main() -> None:
    run_worker(spec())


if __name__ == "__main__":
    main()
