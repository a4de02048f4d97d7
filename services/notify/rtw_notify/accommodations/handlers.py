"""Accommodation requests: the employer hears of a request (and is reminded before it is due),
the therapist of a decision — with what was offered in a counter-proposal — the employer of an
accepted counter, and the therapist and the insurer of a request that expired unanswered."""

from __future__ import annotations

from typing import cast

from rtw_shared.access import Part
from rtw_shared.events import AccommodationDecidedV1, AccommodationRequestedV1, AccommodationWithdrawnV1, Envelope
from rtw_shared.events.catalogue import AccommodationExpiredV1  # not in the catalogue's __all__ (yet)
from rtw_shared.messaging.wiring import handles
from rtw_shared.uow import UnitOfWork

from ..emails.dates import day
from ..links import case_link, request_link
from ..notifications.handlers import known_case
from ..notifications.tell import Message, Trigger, tell_org, tell_therapist
from ..reminders import schedule


@handles(AccommodationRequestedV1)
def on_accommodation_requested(uow: UnitOfWork, envelope: Envelope) -> None:
    """Tell the employer organisation a plan asks for accommodations, and by when; arm the reminder."""
    event = cast(AccommodationRequestedV1, envelope.data)
    case = known_case(uow, event.case_id)
    due = day(event.due_date)
    message = Message(
        kind="accommodation_requested",
        title=f"Accommodation request for case {case.reference}",
        body=f"A return-to-work plan asks for accommodations; please answer by {due}.",
        case_id=event.case_id,
        accommodation_id=event.accommodation_id,
        part=Part.ACCOMMODATION,
        email={"due_date": due},
        links={"employer": request_link(event.accommodation_id)},
    )
    tell_org(uow, Trigger.event(envelope), message, org_id=event.employer_org_id, role="employer", case=case)
    schedule.remind_before_due(uow.session, event)


@handles(AccommodationDecidedV1)
def on_accommodation_decided(uow: UnitOfWork, envelope: Envelope) -> None:
    """Tell the therapist how the employer decided (and what it offered); an accepted counter, the employer."""
    event = cast(AccommodationDecidedV1, envelope.data)
    case = known_case(uow, event.case_id)
    schedule.request_answered(uow.session, event.accommodation_id)
    counter = event.counter.model_dump(mode="json") if event.counter else None
    if event.counter_accepted:
        message = Message(
            kind="counter_accepted",
            title=f"Counter-proposal accepted for case {case.reference}",
            body=f"The therapist accepted your counter-proposal for case {case.reference}; the request is confirmed.",
            case_id=event.case_id,
            accommodation_id=event.accommodation_id,
            part=Part.ACCOMMODATION,
            email={"counter": counter},
            links={"employer": request_link(event.accommodation_id)},
        )
        tell_org(uow, Trigger.event(envelope), message, org_id=event.employer_org_id, role="employer", case=case)
        return
    offered = f" They offered instead: {event.counter.description}" if event.counter else ""
    message = Message(
        kind="accommodation_decided",
        title=f"Accommodation {event.decision} for case {case.reference}",
        body=f"The employer {event.decision} the accommodation request for case {case.reference}.{offered}",
        case_id=event.case_id,
        accommodation_id=event.accommodation_id,
        part=Part.ACCOMMODATION,
        email={"decision": event.decision, "counter": counter, "case_id": str(event.case_id)},
        links={"therapist": case_link(event.case_id)},
    )
    tell_therapist(uow, Trigger.event(envelope), message, case=case)


@handles(AccommodationWithdrawnV1)
def on_accommodation_withdrawn(uow: UnitOfWork, envelope: Envelope) -> None:
    """Tell the employer organisation an open request can no longer be decided (in-app): a newer plan
    version replaced it, or the case ended."""
    event = cast(AccommodationWithdrawnV1, envelope.data)
    case = known_case(uow, event.case_id)
    schedule.request_answered(uow.session, event.accommodation_id)
    if event.replaced_by_version is not None:
        body = (
            f"Version {event.replaced_by_version} of the plan replaced this request, so it can no longer be "
            "decided; a new request follows if that version asks for accommodations."
        )
    else:  # the event's reason is not repeated: the employer learns that the case ended, not why
        body = "The case was withdrawn or closed, so this request can no longer be decided."
    message = Message(
        kind="accommodation_withdrawn",
        title=f"Accommodation request for case {case.reference} withdrawn",
        body=body,
        case_id=event.case_id,
        accommodation_id=event.accommodation_id,
        part=Part.ACCOMMODATION,
    )
    tell_org(uow, Trigger.event(envelope), message, org_id=event.employer_org_id, role="employer", case=case)


@handles(AccommodationExpiredV1)
def on_accommodation_expired(uow: UnitOfWork, envelope: Envelope) -> None:
    """Escalate an unanswered request: the therapist, and the insurer while the worker shares status with it."""
    event = cast(AccommodationExpiredV1, envelope.data)
    case = known_case(uow, event.case_id)
    schedule.request_answered(uow.session, event.accommodation_id)
    due = day(event.due_date)
    message = Message(
        kind="accommodation_expired",
        title=f"Accommodation request for case {case.reference} expired unanswered",
        body=f"The employer did not answer by {due}; the request is expired.",
        case_id=event.case_id,
        accommodation_id=event.accommodation_id,
        part=Part.ACCOMMODATION,
        email={"due_date": due, "case_id": str(event.case_id)},
        links={"therapist": case_link(event.case_id)},  # the insurer: reference and claim number, no link
    )
    trigger = Trigger.event(envelope)
    tell_therapist(uow, trigger, message, case=case)
    # The insurer hears of it only while the worker shares the case with it: tell_org asks access.
    tell_org(uow, trigger, message, org_id=case.insurer_org_id, role="insurer", case=case)
