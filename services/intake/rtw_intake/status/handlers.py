"""Keeps the status projection current from workplan's and employer's events."""

from __future__ import annotations

from rtw_shared.events import AccommodationDecidedV1, AccommodationRequestedV1, Envelope, PlanPublishedV1
from rtw_shared.uow import UnitOfWork

from ..timeline import service as timeline
from .models import CaseStatusProjection


def _projection(uow: UnitOfWork, case_id) -> CaseStatusProjection:
    row = uow.session.get(CaseStatusProjection, case_id, with_for_update=True)
    if row is None:
        # Events of a case always follow its creation here, so the case row exists.
        row = CaseStatusProjection(case_id=case_id)
        uow.session.add(row)
    return row


def on_plan_published(uow: UnitOfWork, envelope: Envelope) -> None:
    event: PlanPublishedV1 = envelope.data
    row = _projection(uow, event.case_id)
    if row.plan_version is not None and row.plan_version > event.version:
        return  # an older version arriving late changes nothing
    row.plan_id, row.plan_status, row.plan_version = event.plan_id, "published", event.version
    row.projected_rtw_date = event.projected_rtw_date
    row.projected_cost = event.projected_cost
    timeline.record(uow.session, case_id=event.case_id, kind="plan.published", actor=envelope.source,
                    summary=f"Plan version {event.version} published", data={"plan_id": str(event.plan_id)})


def on_accommodation_requested(uow: UnitOfWork, envelope: Envelope) -> None:
    event: AccommodationRequestedV1 = envelope.data
    row = _projection(uow, event.case_id)
    row.accommodation_id, row.accommodation_status = event.accommodation_id, "requested"
    timeline.record(uow.session, case_id=event.case_id, kind="accommodation.requested", actor=envelope.source,
                    summary=f"Accommodations requested from the employer, due {event.due_date.isoformat()}")


def on_accommodation_decided(uow: UnitOfWork, envelope: Envelope) -> None:
    event: AccommodationDecidedV1 = envelope.data
    row = _projection(uow, event.case_id)
    row.accommodation_id, row.accommodation_status = event.accommodation_id, event.decision
    timeline.record(uow.session, case_id=event.case_id, kind="accommodation.decided", actor=envelope.source,
                    summary=f"Employer {event.decision} the accommodations")


HANDLERS = {
    PlanPublishedV1.TYPE: on_plan_published,
    AccommodationRequestedV1.TYPE: on_accommodation_requested,
    AccommodationDecidedV1.TYPE: on_accommodation_decided,
}
