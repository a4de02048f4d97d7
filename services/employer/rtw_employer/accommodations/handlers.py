"""Turns a published plan that asks for accommodations into a request to the employer, and withdraws
the open requests of a case that ended (docs/domain/accommodations.md)."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta

import structlog

from rtw_shared.events import AccommodationRequestedV1, AccommodationWithdrawnV1, Envelope, PlanPublishedV1
from rtw_shared.messaging.wiring import handles
from rtw_shared.uow import UnitOfWork

from ..cases import repository as cases
from . import repository

log = structlog.get_logger("rtw.employer")
REQUESTED, WITHDRAWN = "requested", "withdrawn"
# How long the employer has to answer before the request counts as overdue.
ANSWER_WITHIN = timedelta(days=7)


@handles(PlanPublishedV1)
def on_plan_published(uow: UnitOfWork, envelope: Envelope) -> None:
    """Open one request per published plan version that asks for accommodations, and announce it.

    Applied whether or not intake's events for the case have arrived (its copy fills in later),
    but not for a case the copy already says was withdrawn or closed."""
    event: PlanPublishedV1 = envelope.data
    if not event.accommodations:
        return  # nothing for the employer to confirm
    cases.lock_case(uow.session, event.case_id)
    copy = cases.get(uow.session, event.case_id)
    if copy is not None and copy.ended:
        log.info(
            "plan published for a case that ended; no request opened",
            case_id=str(event.case_id),
            plan_id=str(event.plan_id),
            case_status=copy.status,
        )
        return
    values = {
        "id": uuid.uuid4(),
        "case_id": event.case_id,
        "employer_org_id": event.employer_org_id,
        "plan_id": event.plan_id,
        "plan_version": event.version,
        "status": REQUESTED,
        "version": 1,
        "restrictions": [r.model_dump(mode="json") for r in event.restrictions],
        "schedule": [w.model_dump(mode="json") for w in event.schedule],
        "accommodations": [a.model_dump(mode="json") for a in event.accommodations],
        "due_date": datetime.now(UTC).date() + ANSWER_WITHIN,
    }
    if not repository.insert_once(uow.session, values):
        return
    uow.emit(
        AccommodationRequestedV1(
            case_id=event.case_id,
            accommodation_id=values["id"],
            employer_org_id=event.employer_org_id,
            plan_id=event.plan_id,
            plan_version=event.version,
            due_date=values["due_date"],
        )
    )


def withdraw_open_requests(uow: UnitOfWork, *, case_id: uuid.UUID, case_status: str) -> None:
    """Withdraw the case's requests still awaiting an answer (requested or countered), saying why,
    and announce each. Decided ones keep their answer; a second call finds nothing open."""
    reason = f"the case was {case_status}"  # never the therapist's own words: they may be clinical
    for request in repository.open_requests(uow.session, case_id):
        request.status, request.withdrawn_reason = WITHDRAWN, reason
        uow.emit(
            AccommodationWithdrawnV1(
                case_id=case_id, accommodation_id=request.id, employer_org_id=request.employer_org_id, reason=reason
            )
        )
    uow.session.flush()  # the row versions move on: an If-Match read before this is stale
