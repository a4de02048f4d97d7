"""Keeps the status projection current from workplan's and employer's events, and moves the case
itself as the work moves it: a published plan → `plan_active`; a schedule week beginning →
`modified_duty` or `full_duty` (cases.service.follow_the_work: through the status machine, a move it
refuses is logged and skipped, never dead-lettered).

Intake owns the case, so every such event names a case intake created — except a forged or
misrouted one: that is skipped with a log line rather than tripping the foreign key. Each applied
event also moves the case's `changed_at`, so an insurer polling `updated_since` sees it."""

from __future__ import annotations

import uuid
from typing import cast

import structlog

from rtw_shared.events import (
    AccommodationDecidedV1,
    AccommodationRequestedV1,
    AccommodationWithdrawnV1,
    Envelope,
    PlanCancelledV1,
    PlanCompletedV1,
    PlanProgressChangedV1,
    PlanPublishedV1,
    PlanScheduleWeekStartedV1,
)
from rtw_shared.events.catalogue import AccommodationExpiredV1  # not re-exported by rtw_shared.events yet
from rtw_shared.messaging.wiring import handles
from rtw_shared.uow import UnitOfWork

from ..cases import repository as cases
from ..cases import service as case_service
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


def _record(
    uow: UnitOfWork, envelope: Envelope, *, kind: str, summary: str, data: dict[str, object] | None = None
) -> None:
    case_id = envelope.data.case_id
    timeline.record(uow, case_id=case_id, kind=kind, actor=envelope.source, summary=summary, data=data)
    cases.mark_changed(uow.session, case_id)


def _is_current_accommodation(row: CaseStatusProjection, accommodation_id: uuid.UUID) -> bool:
    # The projection follows one request: the newest. A late word on an older one changes only the timeline.
    return row.accommodation_id in (None, accommodation_id)


# A handler's `envelope.data` is of the class it is registered for (`@handles`); the casts say which.
@handles(PlanPublishedV1)
def on_plan_published(uow: UnitOfWork, envelope: Envelope) -> None:
    """The newest published plan version: its projections, on the status and the timeline."""
    event = cast(PlanPublishedV1, envelope.data)
    row = _projection(uow, envelope)
    if row is None or (row.plan_version is not None and row.plan_version > event.version):
        return  # an older version arriving late changes nothing
    row.plan_id, row.plan_status, row.plan_version = event.plan_id, "published", event.version
    row.projected_rtw_date = event.projected_rtw_date
    row.projected_cost = event.projected_cost
    if event.projected_readiness_date is not None:
        row.projected_readiness_date = event.projected_readiness_date
    _record(
        uow,
        envelope,
        kind="plan.published",
        summary=f"Plan version {event.version} published",
        data={"plan_id": str(event.plan_id)},
    )
    _follow(uow, envelope, "plan_active", f"plan version {event.version} published")


def _follow(uow: UnitOfWork, envelope: Envelope, to: str, reason: str) -> None:
    """Move the case towards `to`, or log why it stays (an illegal move is skipped, not retried)."""
    moved = case_service.follow_the_work(
        uow=uow, case_id=envelope.data.case_id, to=to, actor=envelope.source, reason=reason
    )
    if not moved:
        log.info("the case does not move with the work", event_id=str(envelope.id), type=envelope.type, to=to)


@handles(PlanScheduleWeekStartedV1)
def on_schedule_week_started(uow: UnitOfWork, envelope: Envelope) -> None:
    """A week of the graduated schedule began: the worker is back on modified (or full) duty."""
    event = cast(PlanScheduleWeekStartedV1, envelope.data)
    if _projection(uow, envelope) is None:
        return
    duties = "full_duty" if event.duties == "full" else "modified_duty"
    _record(
        uow,
        envelope,
        kind="plan.schedule_week_started",
        summary=f"Week {event.week} of the graduated return began: {event.hours_per_day:g} h/day, "
        f"{event.days_per_week} days, {event.duties} duties",
        data={"plan_id": str(event.plan_id), "week": event.week},
    )
    _follow(uow, envelope, duties, f"week {event.week} of the graduated return ({event.duties} duties)")


@handles(PlanProgressChangedV1)
def on_progress_changed(uow: UnitOfWork, envelope: Envelope) -> None:
    """The treatment's numbers moved: adherence, job match, readiness and return date, cost."""
    event = cast(PlanProgressChangedV1, envelope.data)
    row = _projection(uow, envelope)
    if row is None or (row.progress_at is not None and row.progress_at >= event.computed_at):
        return  # an older computation arriving late changes nothing
    if row.plan_version is not None and row.plan_version > event.version:
        return  # about a version a newer one superseded
    row.progress_at = event.computed_at
    row.adherence, row.job_match = event.adherence, event.job_match
    row.projected_readiness_date, row.projected_rtw_date = event.projected_readiness_date, event.projected_rtw_date
    row.projected_cost, row.actual_cost = event.cost_projected, event.cost_actual
    cases.mark_changed(uow.session, event.case_id)


@handles(PlanCompletedV1)
def on_plan_completed(uow: UnitOfWork, envelope: Envelope) -> None:
    """The treatment ended as planned."""
    event = cast(PlanCompletedV1, envelope.data)
    row = _projection(uow, envelope)
    if row is None:
        return
    if row.plan_version is None or row.plan_version <= event.version:
        row.plan_id, row.plan_status, row.plan_version = event.plan_id, "completed", event.version
    _record(uow, envelope, kind="plan.completed", summary=f"Plan version {event.version} completed")


@handles(PlanCancelledV1)
def on_plan_cancelled(uow: UnitOfWork, envelope: Envelope) -> None:
    """A plan version ended without completing: the status says cancelled (unless a newer version is shown)."""
    event = cast(PlanCancelledV1, envelope.data)
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
    event = cast(AccommodationRequestedV1, envelope.data)
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
    event = cast(AccommodationDecidedV1, envelope.data)
    row = _projection(uow, envelope)
    if row is None:
        return
    if _is_current_accommodation(row, event.accommodation_id):
        row.accommodation_id, row.accommodation_status = event.accommodation_id, event.decision
    _record(uow, envelope, kind="accommodation.decided", summary=f"Employer {event.decision} the accommodations")


@handles(AccommodationExpiredV1)
def on_accommodation_expired(uow: UnitOfWork, envelope: Envelope) -> None:
    """The due date passed with no decision from the employer."""
    event = cast(AccommodationExpiredV1, envelope.data)
    row = _projection(uow, envelope)
    if row is None:
        return
    if _is_current_accommodation(row, event.accommodation_id):
        row.accommodation_id, row.accommodation_status = event.accommodation_id, "expired"
    _record(
        uow,
        envelope,
        kind="accommodation.expired",
        summary=f"The employer did not answer by {event.due_date.isoformat()}: the request expired",
    )


@handles(AccommodationWithdrawnV1)
def on_accommodation_withdrawn(uow: UnitOfWork, envelope: Envelope) -> None:
    """The request was withdrawn (its case ended): the employer can no longer decide it."""
    event = cast(AccommodationWithdrawnV1, envelope.data)
    row = _projection(uow, envelope)
    if row is None:
        return
    if _is_current_accommodation(row, event.accommodation_id):
        row.accommodation_id, row.accommodation_status = event.accommodation_id, "withdrawn"
    _record(uow, envelope, kind="accommodation.withdrawn", summary=f"Accommodation request withdrawn: {event.reason}")
