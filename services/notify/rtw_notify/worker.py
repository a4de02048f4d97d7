"""Notify's worker: `rtw-notify-worker` (outbox relay + event consumer + email sender)."""

from rtw_shared.worker import WorkerSpec, run_worker

from . import models  # noqa: F401 — every table on the metadata, so foreign keys resolve
from .emails.sender import EmailSender
from .handlers import HANDLERS, TOPICS
from .settings import NotifySettings


def spec(settings: NotifySettings | None = None) -> WorkerSpec:
    return WorkerSpec(settings=settings or NotifySettings(), consumer_name="notify", topics=TOPICS,
                      handlers=HANDLERS, extra_loops=[EmailSender])


def main() -> None:
    run_worker(spec())


if __name__ == "__main__":
    main()
