"""Notify's worker: `rtw-notify-worker` (outbox relay + event consumer + email sender)."""

from rtw_shared.messaging.wiring import Handlers
from rtw_shared.worker import WorkerSpec, run_worker

from . import models  # noqa: F401 — every table on the metadata, so foreign keys resolve
from .cases import handlers as case_handlers
from .emails.sender import EmailSender
from .notifications import handlers as notification_handlers
from .settings import NotifySettings


def handlers() -> Handlers:
    """Every event notify applies, by event class (the topics it consumes follow from them)."""
    return Handlers(case_handlers, notification_handlers)


def spec(settings: NotifySettings | None = None) -> WorkerSpec:
    """The worker as `rtw-notify-worker` runs it."""
    return WorkerSpec(
        settings=settings or NotifySettings(), consumer_name="notify", handlers=handlers(), extra_loops=[EmailSender]
    )


def main() -> None:
    run_worker(spec())


if __name__ == "__main__":
    main()
