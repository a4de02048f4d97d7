"""Turns employer's accommodation events into notifications (and email rows, sent later by the
sender loop). Texts name the case reference only: no worker identity, no clinical detail."""

from __future__ import annotations

from rtw_shared.events import AccommodationDecidedV1, AccommodationRequestedV1, Envelope
from rtw_shared.uow import UnitOfWork

from ..cases import repository as cases
from ..emails.models import OutgoingEmail
from .models import Notification


def on_accommodation_requested(uow: UnitOfWork, envelope: Envelope) -> None:
    event: AccommodationRequestedV1 = envelope.data
    case = cases.get(uow.session, event.case_id)
    # The request is addressed by the event itself, so a missing case copy only costs the reference.
    reference = case.reference if case else str(event.case_id)
    uow.session.add(Notification(
        recipient_org_id=event.employer_org_id, recipient_role="employer", kind="accommodation_requested",
        title=f"Accommodation request for case {reference}",
        body=f"A return-to-work plan asks for accommodations; please answer by {event.due_date.isoformat()}.",
        case_id=event.case_id, accommodation_id=event.accommodation_id,
        trigger_event_id=envelope.id, trigger_event_type=envelope.type,
    ))


def on_accommodation_decided(uow: UnitOfWork, envelope: Envelope) -> None:
    event: AccommodationDecidedV1 = envelope.data
    case = cases.require(uow.session, event.case_id)  # the therapist is only known from the copy
    title = f"Accommodation {event.decision} for case {case.reference}"
    body = f"The employer {event.decision} the accommodation request for case {case.reference}."
    notification = Notification(
        recipient_user_id=case.therapist_id, kind="accommodation_decided", title=title, body=body,
        case_id=event.case_id, accommodation_id=event.accommodation_id,
        trigger_event_id=envelope.id, trigger_event_type=envelope.type,
    )
    uow.session.add(notification)
    uow.session.flush()  # the notification's id, for the email row that delivers it
    if case.therapist_email:
        uow.session.add(OutgoingEmail(
            idempotency_key=f"{envelope.id}:email:therapist", notification_id=notification.id,
            case_id=event.case_id, trigger_event_type=envelope.type, recipient=case.therapist_email,
            # The case id lets the reader (and a script) find the case; it reveals nothing about the worker.
            subject=title, body=f"{body}\n\nCase id: {event.case_id}\n",
        ))


HANDLERS = {
    AccommodationRequestedV1.TYPE: on_accommodation_requested,
    AccommodationDecidedV1.TYPE: on_accommodation_decided,
}
