"""Telling people: one in-app notification per recipient (a person, or an organisation in a role),
and for each email address that should hear of it an email row, rendered from its kind's
templates and sent later by the sender loop. Emails someone turned off are not written.

Whether a recipient hears of a case at all is the shared consent decision (rtw_shared.access) on
the part of the case the message tells of — for an organisation's contacts nothing filters an
email once it is sent, so it is decided here — and an email's template gets only the fields the
recipient's role view shows (rtw_shared.role_view), as the API's read models do: the case's reference,
and its claim number for the insurer (and the therapist). Each recipient's email links to the page of
its role (links.py), never to an API; an insurer's links to nothing."""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from dataclasses import dataclass, field

from rtw_shared import access
from rtw_shared.access import Part
from rtw_shared.events import Envelope
from rtw_shared.role_view import ALWAYS, Field, RoleView, role_view
from rtw_shared.uow import UnitOfWork

from ..cases.models import CaseCopy
from ..contacts import repository as contacts
from ..emails.models import OutgoingEmail
from ..emails.render import render
from ..links import Link
from .models import Notification

# Each key an email template is given, and the field of the recipient's role view it reveals.
EMAIL_FIELDS: dict[str, Field | None] = {
    **dict.fromkeys(("case_id", "plan_version", "link", "link_text"), ALWAYS),
    **dict.fromkeys(("url", "reason", "webhook_id"), ALWAYS),  # the organisation's own webhook, no case
    "reference": Field.REFERENCE,
    "claim_number": Field.CLAIM_NUMBER,  # the insurer's (and the therapist's), never the employer's
    **dict.fromkeys(("due_date", "decision"), Field.ACCOMMODATION_STATUS),
    "counter": Field.ACCOMMODATION_DETAIL,
    **dict.fromkeys(("week", "starts_on", "ends_on", "hours_per_day", "days_per_week", "duties"), Field.SCHEDULE),
    "review_date": Field.PROGRESS,
    "demands": Field.RESTRICTIONS,
}
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
    """What to say. `kind` names the notification and its email templates; `part` is the part of the
    case it tells of; `email` is the template context (None: in-app only); `links` the page each
    recipient role's email links to (a role without one: no link)."""

    kind: str
    title: str
    body: str
    case_id: uuid.UUID | None
    accommodation_id: uuid.UUID | None = None
    email: dict[str, object] | None = field(default=None)
    part: Part = Part.CASE
    links: Mapping[str, Link] = field(default_factory=dict)


def tell_therapist(uow: UnitOfWork, trigger: Trigger, message: Message, *, case: CaseCopy, email: bool = True) -> None:
    """Notify the case's therapist in-app, and by email (`email`) unless they turned this kind off."""
    notification = _notification(uow, trigger, message, recipient_user_id=case.therapist_id)
    if email and case.therapist_email:
        view = role_view(access.party(case, "therapist"), case)
        _email(uow, trigger, message, notification, case.therapist_email, "therapist", "therapist", view, case)


def tell_org(
    uow: UnitOfWork, trigger: Trigger, message: Message, *, org_id: str, role: str, case: CaseCopy | None
) -> Notification | None:
    """Notify an organisation's people of `role` in-app, and its contacts by email — when the message is
    about a case, only if the organisation may see the part it tells of, with what its role view shows."""
    view = None
    if case is not None:
        reader = access.organisation(org_id, role)
        if not access.may_see(reader, case, message.part):
            return None
        view = role_view(reader, case)
    notification = _notification(uow, trigger, message, recipient_org_id=org_id, recipient_role=role)
    for contact in contacts.contacts_of(uow.session, org_id):
        _email(uow, trigger, message, notification, contact.email, f"contact:{contact.id}", role, view, case)
    return notification


def _notification(uow: UnitOfWork, trigger: Trigger, message: Message, **recipient: str | None) -> Notification:
    notification = Notification(
        case_id=message.case_id,
        part=message.part.value,
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
    uow: UnitOfWork,
    trigger: Trigger,
    message: Message,
    notification: Notification,
    address: str,
    label: str,
    role: str,
    view: RoleView | None,
    case: CaseCopy | None,
) -> None:
    """The email row for one address of a recipient in `role`: its template given what `view` shows of the
    case (None: a message about no case), and the link of `role`."""
    if message.email is None or contacts.opted_out(uow.session, address, message.kind):
        return
    link = message.links.get(role)
    full = {
        **message.email,
        **({"reference": case.reference, "claim_number": case.claim_number} if case is not None else {}),
        "link": link.url if link else None,
        "link_text": link.text if link else "",
    }
    context = full if view is None else view.cut(full, EMAIL_FIELDS)
    rendered = render(message.kind, **context)
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
