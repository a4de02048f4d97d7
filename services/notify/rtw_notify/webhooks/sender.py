"""The webhook sender loop (a worker loop): sends due delivery rows until stopped. Each attempt is
logged (webhook_attempts, and a log line); a failure is retried on the backoff schedule; a
delivery that used up the schedule fails, and its subscription is disabled and its organisation
told (in-app and by email to its contacts). Delivery is at least once: a crash after a receiver
answered but before the commit sends the delivery again, with the same `webhook-id`."""

from __future__ import annotations

import json
import threading
import uuid
from datetime import UTC, datetime

import httpx
import structlog
from sqlalchemy.exc import OperationalError

from rtw_shared.events import NotificationDeliveredV1
from rtw_shared.uow import UnitOfWork
from rtw_shared.worker import LoopContext

from ..cases import repository as cases
from ..notifications.tell import Message, Trigger, tell_org
from ..settings import NotifySettings
from . import backoff, delivery, payloads, repository, safety, signing
from .models import DISABLED, FAILED, SUCCEEDED, WITHHELD, Webhook, WebhookAttempt, WebhookDelivery

log = structlog.get_logger("rtw.notify.webhooks")


def rules_of(settings: NotifySettings) -> safety.Rules:
    """The destination rules these settings allow."""
    return safety.Rules(allow_http=settings.allows_http_webhooks, allow_loopback=settings.allows_loopback_webhooks)


def deliver_due(*, uow: UnitOfWork, client: httpx.Client, settings: NotifySettings, now: datetime, limit: int) -> int:
    """Attempt a batch of due deliveries (as of `now`) and record each outcome; how many were attempted."""
    claimed = repository.claim_due(uow.session, now, limit=limit)
    for row in claimed:
        webhook = repository.get_webhook(uow.session, row.webhook_id)
        if webhook is not None and webhook.status != DISABLED:  # disabled earlier in this batch: it waits
            _attempt(uow, client, settings, webhook, row, now)
    uow.commit()
    return len(claimed)


def _attempt(
    uow: UnitOfWork,
    client: httpx.Client,
    settings: NotifySettings,
    webhook: Webhook,
    row: WebhookDelivery,
    now: datetime,
) -> None:
    who = payloads.reader(webhook.org_id, webhook.org_role, str(webhook.id))
    stored = payloads.StoredEvent(
        str(row.event_id), row.event_type, row.event_source, row.event_time, str(row.case_id), row.event_data
    )
    event = payloads.cloud_event(who, cases.get(uow.session, row.case_id), stored)
    if event is None:  # the organisation may no longer see it (a consent was withdrawn): never sent
        row.status, row.last_error = WITHHELD, "the organisation may no longer see this event"
        return
    body = json.dumps(event, separators=(",", ":"))
    sent_at = datetime.now(UTC)  # the wall clock on purpose: receivers check it against their own clocks
    headers = signing.headers(
        message_id=str(row.event_id), sent_at=sent_at, body=body, secrets_in_force=_secrets(webhook, now)
    )
    outcome = delivery.post(
        client,
        webhook.url,
        body.encode(),
        headers,
        rules=rules_of(settings),
        timeout_seconds=settings.webhook_timeout_seconds,
        max_bytes=settings.webhook_max_response_bytes,
    )
    _record(uow, settings, webhook, row, outcome, now)


def _secrets(webhook: Webhook, at: datetime) -> list[str]:
    """The current secret, and the previous one while its overlap lasts."""
    previous = webhook.previous_secret
    expires = webhook.previous_secret_expires_at
    return [webhook.secret, previous] if previous and expires and expires > at else [webhook.secret]


def _record(
    uow: UnitOfWork,
    settings: NotifySettings,
    webhook: Webhook,
    row: WebhookDelivery,
    outcome: delivery.Outcome,
    now: datetime,
) -> None:
    row.attempts += 1
    row.last_status_code, row.last_latency_ms, row.last_error = outcome.status_code, outcome.latency_ms, outcome.error
    repository.add_attempt(
        uow.session,
        WebhookAttempt(
            delivery_id=row.id,
            attempted_at=now,
            status_code=outcome.status_code,
            latency_ms=outcome.latency_ms,
            error=outcome.error,
        ),
    )
    log.info(
        "webhook attempt",
        webhook_id=str(webhook.id),
        delivery_id=str(row.id),
        webhook_message_id=str(row.event_id),
        attempt=row.attempts,
        status_code=outcome.status_code,
        latency_ms=outcome.latency_ms,
        error=outcome.error,
    )
    if outcome.ok:
        row.status, row.delivered_at = SUCCEEDED, now
        uow.emit(
            NotificationDeliveredV1(
                case_id=row.case_id, notification_id=row.id, channel="webhook", trigger_event_type=row.event_type
            )
        )
        return
    retry_at = backoff.next_attempt_at(row.attempts, settings.webhook_retry_seconds, now)
    if retry_at is not None:
        row.next_attempt_at = retry_at
        return
    row.status = FAILED
    disable(uow, webhook, f"delivery of event {row.event_id} failed {row.attempts} times; last: {outcome.error}", now)


def disable(uow: UnitOfWork, webhook: Webhook, reason: str, now: datetime) -> None:
    """Stop delivering to `webhook` and tell its organisation why (in-app, and its contacts by email)."""
    webhook.status, webhook.disabled_reason, webhook.disabled_at = DISABLED, reason[:500], now
    webhook.version += 1
    log.warning("webhook disabled", webhook_id=str(webhook.id), org_id=webhook.org_id, reason=reason)
    message = Message(
        kind="webhook_disabled",
        title=f"Webhook to {webhook.url} disabled"[:200],
        body=f"Deliveries to {webhook.url} kept failing, so the subscription was disabled: {reason}",
        case_id=None,
        email={"url": webhook.url, "reason": reason, "webhook_id": str(webhook.id)},
    )
    trigger = Trigger(uuid.uuid5(webhook.id, f"disabled:{now.isoformat()}"), "webhook_disabled")
    tell_org(uow, trigger, message, org_id=webhook.org_id, role=webhook.org_role, case=None)


class WebhookSender:
    """Sends due webhook deliveries until stopped (the worker's loop)."""

    def __init__(self, context: LoopContext[NotifySettings], *, batch_size: int = 10, idle_seconds: float = 0.5):
        self.context = context
        self.settings = context.settings
        self.client = delivery.make_client(self.settings.webhook_timeout_seconds)
        self.batch_size, self.idle_seconds = batch_size, idle_seconds
        self.stopping = threading.Event()

    def run(self) -> None:
        """Send until stopped: drain what is due, then wait a moment."""
        while not self.stopping.is_set():
            try:
                while self.send_due_once() and not self.stopping.is_set():
                    pass
            except OperationalError as error:
                log.warning("database unavailable; retrying", error=str(error))
            self.stopping.wait(self.idle_seconds)
        self.client.close()

    def stop(self) -> None:
        self.stopping.set()

    def send_due_once(self) -> int:
        """Attempt one batch of due deliveries; how many were attempted."""
        with self.context.unit_of_work() as uow:
            return deliver_due(
                uow=uow, client=self.client, settings=self.settings, now=uow.now(), limit=self.batch_size
            )
