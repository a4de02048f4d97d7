"""Notify's worker: `rtw-notify-worker` (outbox relay + event consumer + email sender + webhook
sender + durable timers)."""

from rtw_shared.messaging.wiring import Handlers
from rtw_shared.worker import WorkerSpec, run_worker, timer_loop

from . import models  # noqa: F401 — every table on the metadata, so foreign keys resolve
from .accommodations import handlers as accommodation_handlers
from .cases import handlers as case_handlers
from .emails.sender import EmailSender
from .notifications import handlers as notification_handlers
from .plans import handlers as plan_handlers
from .reminders import timers as reminders
from .settings import NotifySettings
from .webhooks.handlers import WithWebhooks
from .webhooks.sender import WebhookSender


def handlers() -> WithWebhooks:
    """Every event notify applies, by type — its own handlers, each followed by the webhook fan-out,
    and the fan-out alone for every other subscribable type (the topics it consumes follow)."""
    return WithWebhooks(Handlers(case_handlers, notification_handlers, accommodation_handlers, plan_handlers))


def spec(settings: NotifySettings | None = None) -> WorkerSpec[NotifySettings]:
    """The worker as `rtw-notify-worker` runs it."""
    return WorkerSpec(
        settings=settings or NotifySettings(),
        consumer_name="notify",
        handlers=handlers(),
        extra_loops=[EmailSender, WebhookSender, timer_loop(reminders.HANDLERS)],
    )


def main() -> None:
    run_worker(spec())


if __name__ == "__main__":
    main()
