"""Keeps the status projection current from workplan's and employer's events.

Intake owns the case, so every such event names a case intake created — except a forged or
misrouted one: that is skipped with a log line rather than tripping the foreign key. Each applied
event also moves the case's `changed_at`, so an insurer polling `updated_since` sees it."""

from __future__ import annotations

import uuid

import structlog

from rtw_shared.events import (
    AccommodationDecidedV1,
    AccommodationRequestedV1,
    AccommodationWithdrawnV1,
    Envelope,
    PlanCancelledV1,
    PlanPublishedV1,
)
from rtw_shared.messaging.wiring import handles
from rtw_shared.uow import UnitOfWork

from ..cases import repository as cases
from ..timeline import service as timeline
from . import repository
from .models import CaseStatusProjection

log = structlog.get_logger("rtw.intake.status")


def _projection(uow: UnitOfWork, envelope: Envelope) -> CaseStatusProjection | None:
    """The locked projection of the event's case; None (logged) for a case intake does not have."""
    case_id = envelope.data.case_id
    if not cases.has_case(uow.session, case_id):
        log.warning(
            "event for a case intake does not have: skipped",
            event_id=str(envelope.id),
            type=envelope.type,
            case_id=str(case_id),
            source=envelope.source,
        )
        return None
    return repository.projection_for_update(uow.session, case_id)


def _record(uow: UnitOfWork, envelope: Envelope, *, kind: str, summary: str, data: dict | None = None) -> None:
    case_id = envelope.data.case_id
    timeline.record(uow, case_id=case_id, kind=kind, actor=envelope.source, summary=summary, data=data)
    cases.mark_changed(uow.session, case_id)


def _is_current_accommodation(row: CaseStatusProjection, accommodation_id: uuid.UUID) -> bool:
    # The projection follows one request: the newest. A late word on an older one changes only the timeline.
    return row.accommodation_id in (None, accommodation_id)


@handles(PlanPublishedV1)
def on_plan_published(uow: UnitOfWork, envelope: Envelope) -> None:
    """The newest published plan version: its projections, on the status and the timeline."""
    event: PlanPublishedV1 = envelope.data
    row = _projection(uow, envelope)
    if row is None or (row.plan_version is not None and row.plan_version > event.version):
        return  # an older version arriving late changes nothing
    row.plan_id, row.plan_status, row.plan_version = event.plan_id, "published", event.version
    row.projected_rtw_date = event.projected_rtw_date
    row.projected_cost = event.projected_cost
    _record(
        uow,
        envelope,
        kind="plan.published",
        summary=f"Plan version {event.version} published",
        data={"plan_id": str(event.plan_id)},
    )


@handles(PlanCancelledV1)
def on_plan_cancelled(uow: UnitOfWork, envelope: Envelope) -> None:
    """A plan version ended without completing: the status says cancelled (unless a newer version is shown)."""
    event: PlanCancelledV1 = envelope.data
    row = _projection(uow, envelope)
    if row is None:
        return
    if row.plan_version is None or row.plan_version <= event.version:
        row.plan_id, row.plan_status, row.plan_version = event.plan_id, "cancelled", event.version
    _record(
        uow,
        envelope,
        kind="plan.cancelled",
        summary=f"Plan version {event.version} cancelled: {event.reason}",
        data={"plan_id": str(event.plan_id)},
    )


@handles(AccommodationRequestedV1)
def on_accommodation_requested(uow: UnitOfWork, envelope: Envelope) -> None:
    """The employer was asked for accommodations: this request is the one the status follows now."""
    event: AccommodationRequestedV1 = envelope.data
    row = _projection(uow, envelope)
    if row is None:
        return
    row.accommodation_id, row.accommodation_status = event.accommodation_id, "requested"
    _record(
        uow,
        envelope,
        kind="accommodation.requested",
        summary=f"Accommodations requested from the employer, due {event.due_date.isoformat()}",
    )


@handles(AccommodationDecidedV1)
def on_accommodation_decided(uow: UnitOfWork, envelope: Envelope) -> None:
    """The employer confirmed, declined or countered the request."""
    event: AccommodationDecidedV1 = envelope.data
    row = _projection(uow, envelope)
    if row is None:
        return
    if _is_current_accommodation(row, event.accommodation_id):
        row.accommodation_id, row.accommodation_status = event.accommodation_id, event.decision
    _record(uow, envelope, kind="accommodation.decided", summary=f"Employer {event.decision} the accommodations")


@handles(AccommodationWithdrawnV1)
def on_accommodation_withdrawn(uow: UnitOfWork, envelope: Envelope) -> None:
    """The request was withdrawn (its case ended): the employer can no longer decide it."""
    event: AccommodationWithdrawnV1 = envelope.data
    row = _projection(uow, envelope)
    if row is None:
        return
    if _is_current_accommodation(row, event.accommodation_id):
        row.accommodation_id, row.accommodation_status = event.accommodation_id, "withdrawn"
    _record(uow, envelope, kind="accommodation.withdrawn", summary=f"Accommodation request withdrawn: {event.reason}")
