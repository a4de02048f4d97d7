"""Turns a published plan that asks for accommodations into a request to the employer."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta

from sqlalchemy.dialects.postgresql import insert as pg_insert

from rtw_shared.events import AccommodationRequestedV1, Envelope, PlanPublishedV1
from rtw_shared.uow import UnitOfWork

from .models import AccommodationRequest

REQUESTED = "requested"
# How long the employer has to answer before the request counts as overdue.
ANSWER_WITHIN = timedelta(days=7)


def on_plan_published(uow: UnitOfWork, envelope: Envelope) -> None:
    event: PlanPublishedV1 = envelope.data
    if not event.accommodations:
        return  # nothing for the employer to confirm
    values = {
        "id": uuid.uuid4(), "case_id": event.case_id, "employer_org_id": event.employer_org_id,
        "plan_id": event.plan_id, "plan_version": event.version, "status": REQUESTED, "version": 1,
        "restrictions": [r.model_dump(mode="json") for r in event.restrictions],
        "schedule": [w.model_dump(mode="json") for w in event.schedule],
        "accommodations": [a.model_dump(mode="json") for a in event.accommodations],
        "due_date": datetime.now(UTC).date() + ANSWER_WITHIN,
    }
    # ON CONFLICT DO NOTHING: the same plan version published twice (a redelivery under a new
    # event id, or two consumers racing) yields one request and one announcement.
    created = uow.session.execute(
        pg_insert(AccommodationRequest).values(**values)
        .on_conflict_do_nothing(index_elements=["plan_id", "plan_version"])
        .returning(AccommodationRequest.id)
    ).first()
    if created is None:
        return
    uow.emit(AccommodationRequestedV1(
        case_id=event.case_id, accommodation_id=values["id"], employer_org_id=event.employer_org_id,
        plan_id=event.plan_id, plan_version=event.version, due_date=values["due_date"],
    ))


HANDLERS = {PlanPublishedV1.TYPE: on_plan_published}
