"""Telling people: one in-app notification per recipient (a person, or an organisation in a role),
and for each email address that should hear of it an email row, rendered from its kind's
templates and sent later by the sender loop. Emails someone turned off are not written."""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field

from rtw_shared.events import Envelope
from rtw_shared.uow import UnitOfWork

from ..contacts import repository as contacts
from ..emails.models import OutgoingEmail
from ..emails.render import render
from .models import Notification

TIMER_NAMESPACE = uuid.UUID("8f6d7b2e-2f0e-4a53-9a55-3c1f2f7f4d10")


@dataclass(frozen=True)
class Trigger:
    """What caused a notification: an event, or a durable timer (named by its key)."""

    id: uuid.UUID
    type: str

    @classmethod
    def event(cls, envelope: Envelope) -> Trigger:
        return cls(envelope.id, envelope.type)

    @classmethod
    def timer(cls, key: str, kind: str) -> Trigger:
        return cls(uuid.uuid5(TIMER_NAMESPACE, key), f"timer:{kind}")


@dataclass(frozen=True)
class Message:
    """What to say. `kind` names the notification and its email templates; `email` is the template
    context (None: in-app only)."""

    kind: str
    title: str
    body: str
    case_id: uuid.UUID | None
    accommodation_id: uuid.UUID | None = None
    email: dict | None = field(default=None)


def tell_user(
    uow: UnitOfWork, trigger: Trigger, message: Message, *, user_id: str, email: str | None, label: str = "user"
) -> Notification:
    """Notify one person in-app, and by email at `email` unless they turned this kind off."""
    notification = _notification(uow, trigger, message, recipient_user_id=user_id)
    if email:
        _email(uow, trigger, message, notification, email, label)
    return notification


def tell_org(uow: UnitOfWork, trigger: Trigger, message: Message, *, org_id: str, role: str) -> Notification:
    """Notify an organisation's people of `role` in-app, and its contacts by email."""
    notification = _notification(uow, trigger, message, recipient_org_id=org_id, recipient_role=role)
    for contact in contacts.contacts_of(uow.session, org_id):
        _email(uow, trigger, message, notification, contact.email, f"contact:{contact.id}")
    return notification


def _notification(uow: UnitOfWork, trigger: Trigger, message: Message, **recipient) -> Notification:
    notification = Notification(
        case_id=message.case_id,
        accommodation_id=message.accommodation_id,
        kind=message.kind,
        title=message.title[:200],
        body=message.body,
        trigger_event_id=trigger.id,
        trigger_event_type=trigger.type,
        **recipient,
    )
    uow.session.add(notification)
    uow.session.flush()  # its id, for the email rows that deliver it
    return notification


def _email(
    uow: UnitOfWork, trigger: Trigger, message: Message, notification: Notification, address: str, label: str
) -> None:
    if message.email is None or contacts.opted_out(uow.session, address, message.kind):
        return
    rendered = render(message.kind, **message.email)
    uow.session.add(
        OutgoingEmail(
            # Fixed by what caused it and who gets it: a resend after a crash is the same message.
            idempotency_key=f"{trigger.id}:email:{label}",
            notification_id=notification.id,
            case_id=message.case_id,
            kind=message.kind,
            trigger_event_type=trigger.type,
            recipient=address,
            subject=rendered.subject,
            body=rendered.text,
            html_body=rendered.html,
            next_attempt_at=uow.now(),  # due at once, on the clock the sender compares with
        )
    )
