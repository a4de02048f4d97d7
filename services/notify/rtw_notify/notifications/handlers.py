"""Turns other services' events into notifications (and email rows, sent later by the sender loop).
Texts name the case reference only: no worker identity, no clinical detail.

Every handler here needs notify's copy of the case — for the reference in the text, for the
therapist to address, and because the inbox shows a notification only while the reader may see
its case (rtw_shared.access decides on the copy). An event that overtakes its case's intake
events on another topic therefore raises `CaseNotKnownYet` before writing anything: the consumer
parks it and applies it right after the case's next intake event. That includes
`accommodation.requested`, which is addressed by the event alone: applied early it would carry
the case id instead of the reference and still be hidden until the copy arrived."""

from __future__ import annotations

import uuid

from rtw_shared.events import (
    AccommodationDecidedV1,
    AccommodationRequestedV1,
    AccommodationWithdrawnV1,
    CaseStatusChangedV1,
    Envelope,
    PlanCancelledV1,
)
from rtw_shared.messaging.parking import CaseNotKnownYet
from rtw_shared.messaging.wiring import handles
from rtw_shared.uow import UnitOfWork

from ..cases import repository as cases
from ..cases.handlers import refresh_copy
from ..cases.models import CaseCopy
from ..emails.models import OutgoingEmail
from .models import Notification

# Statuses that end a case: everyone still working on it hears of it.
ENDING_STATUSES = frozenset({"withdrawn", "closed"})


def known_case(uow: UnitOfWork, case_id: uuid.UUID) -> CaseCopy:
    """The case copy; `CaseNotKnownYet` (the event is parked) when intake's events have not arrived."""
    case = cases.get(uow.session, case_id)
    if case is None:
        raise CaseNotKnownYet(case_id)
    return case


def add_notification(uow: UnitOfWork, envelope: Envelope, **fields) -> Notification:
    """One inbox line caused by `envelope` (fields: recipient, kind, title, body, accommodation_id)."""
    notification = Notification(
        case_id=envelope.data.case_id, trigger_event_id=envelope.id, trigger_event_type=envelope.type, **fields
    )
    uow.session.add(notification)
    return notification


@handles(AccommodationRequestedV1)
def on_accommodation_requested(uow: UnitOfWork, envelope: Envelope) -> None:
    """Tell the employer organisation a plan asks for accommodations, and by when."""
    event: AccommodationRequestedV1 = envelope.data
    case = known_case(uow, event.case_id)
    add_notification(
        uow,
        envelope,
        recipient_org_id=event.employer_org_id,
        recipient_role="employer",
        kind="accommodation_requested",
        title=f"Accommodation request for case {case.reference}",
        body=f"A return-to-work plan asks for accommodations; please answer by {event.due_date.isoformat()}.",
        accommodation_id=event.accommodation_id,
    )


@handles(AccommodationDecidedV1)
def on_accommodation_decided(uow: UnitOfWork, envelope: Envelope) -> None:
    """Tell the case's therapist how the employer decided, in-app and by email."""
    event: AccommodationDecidedV1 = envelope.data
    case = known_case(uow, event.case_id)
    title = f"Accommodation {event.decision} for case {case.reference}"
    body = f"The employer {event.decision} the accommodation request for case {case.reference}."
    notification = add_notification(
        uow,
        envelope,
        recipient_user_id=case.therapist_id,
        kind="accommodation_decided",
        title=title,
        body=body,
        accommodation_id=event.accommodation_id,
    )
    uow.session.flush()  # the notification's id, for the email row that delivers it
    if case.therapist_email:
        uow.session.add(
            OutgoingEmail(
                idempotency_key=f"{envelope.id}:email:therapist",
                notification_id=notification.id,
                case_id=event.case_id,
                trigger_event_type=envelope.type,
                recipient=case.therapist_email,
                # The case id lets the reader (and a script) find the case; it reveals nothing about the worker.
                subject=title,
                body=f"{body}\n\nCase id: {event.case_id}\n",
            )
        )


@handles(AccommodationWithdrawnV1)
def on_accommodation_withdrawn(uow: UnitOfWork, envelope: Envelope) -> None:
    """Tell the employer organisation an open request can no longer be decided."""
    event: AccommodationWithdrawnV1 = envelope.data
    case = known_case(uow, event.case_id)
    # The event's reason is not repeated: the employer learns that the case ended, not why.
    add_notification(
        uow,
        envelope,
        recipient_org_id=event.employer_org_id,
        recipient_role="employer",
        kind="accommodation_withdrawn",
        title=f"Accommodation request for case {case.reference} withdrawn",
        body="The case was withdrawn or closed, so this request can no longer be decided.",
        accommodation_id=event.accommodation_id,
    )


@handles(PlanCancelledV1)
def on_plan_cancelled(uow: UnitOfWork, envelope: Envelope) -> None:
    """Tell the case's therapist their plan was cancelled (in-app: they usually caused it themselves)."""
    event: PlanCancelledV1 = envelope.data
    case = known_case(uow, event.case_id)
    add_notification(
        uow,
        envelope,
        recipient_user_id=case.therapist_id,
        kind="plan_cancelled",
        title=f"Plan for case {case.reference} cancelled",
        body=f"Version {event.version} of the plan for case {case.reference} was cancelled. Reason: {event.reason}",
    )


@handles(CaseStatusChangedV1)
def on_case_status_changed(uow: UnitOfWork, envelope: Envelope) -> None:
    """Keep the copy; when the case ends, tell its employer and (with the worker's consent) its insurer."""
    event: CaseStatusChangedV1 = envelope.data
    case = refresh_copy(uow, event)
    if case is None:
        raise CaseNotKnownYet(event.case_id)
    if event.to_status not in ENDING_STATUSES:
        return
    recipients = [("employer", case.employer_org_id)]
    # The copy after the refresh holds the newest consent this service knows of.
    if case.share_status_with_insurer:
        recipients.append(("insurer", case.insurer_org_id))
    for role, org_id in recipients:
        add_notification(
            uow,
            envelope,
            recipient_org_id=org_id,
            recipient_role=role,
            kind=f"case_{event.to_status}",
            title=f"Case {case.reference} was {event.to_status}",
            body=f"Case {case.reference} was {event.to_status}; no further action is needed on it.",
        )
