"""Sending email rows. Commits its Unit of Work once per batch."""

from __future__ import annotations

from datetime import datetime, timedelta

import structlog

from rtw_shared.events import NotificationDeliveredV1
from rtw_shared.uow import UnitOfWork

from . import repository
from .models import FAILED, SENT, OutgoingEmail
from .transport import SmtpTransport

log = structlog.get_logger("rtw.notify.email")

MAX_ATTEMPTS = 5
BACKOFF_SECONDS = 30  # then 60, 120, 240: a mail server's bad minute should not cost a message


def send_due_emails(*, uow: UnitOfWork, transport: SmtpTransport, limit: int = 10) -> int:
    """Send a batch of due emails; mark each sent (announcing it) or record the failure. Returns how many sent."""
    sent = 0
    # The rows stay locked while sending: no other sender takes them, and a crash before the
    # commit leaves them pending, to be resent under the same Message-ID.
    now = uow.now()
    for email in repository.claim_due(uow.session, now=now, limit=limit):
        try:
            transport.send(email)
        except Exception as error:  # one email's failure is its own: the batch's sent ones still commit
            _record_failure(email, f"{type(error).__name__}: {error}", now)
            continue
        email.status, email.sent_at, email.attempts = SENT, now, email.attempts + 1
        if email.case_id is not None:  # events are about cases; an email about no case (a webhook) is not announced
            uow.emit(
                NotificationDeliveredV1(
                    case_id=email.case_id,
                    notification_id=email.notification_id,
                    channel="email",
                    trigger_event_type=email.trigger_event_type,
                )
            )
        sent += 1
    uow.commit()
    return sent


def _record_failure(email: OutgoingEmail, error: str, now: datetime) -> None:
    email.attempts += 1
    email.last_error = error[:2000]
    email.next_attempt_at = now + timedelta(seconds=BACKOFF_SECONDS * 2 ** (email.attempts - 1))
    if email.attempts >= MAX_ATTEMPTS:
        email.status = FAILED
    log.warning("email not sent", email_id=str(email.id), attempts=email.attempts, status=email.status, error=error)
