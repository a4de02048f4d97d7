"""The read models of a plan, one per role that reads plans — a field a role must not see does not exist
in its model (docs/domain/access.md: the insurer follows schedule, restrictions and projections, not
goals, phases, the baseline or the accommodation requests themselves) — and the row flattened for them
(`document`), with the schedule's weeks dated."""

from __future__ import annotations

import uuid
from datetime import date, datetime, timedelta
from typing import TYPE_CHECKING, Any

from pydantic import BaseModel, Field

from rtw_shared import access
from rtw_shared.auth import Principal
from rtw_shared.errors import ForbiddenError
from rtw_shared.restrictions import RestrictionIn

from .schemas import AccommodationIn, GoalIn, PhaseIn, ScheduleWeekIn

if TYPE_CHECKING:
    from .models import Plan


class Projections(BaseModel):
    """Computed, never typed in: fixed at publication; for a draft, what publishing it today would fix
    (GET /v1/plans/{id} and the answers to PUT and revise; a list shows a draft's as null). The current
    figures of a published plan, which move with every session, are at GET /v1/plans/{id}/progress."""

    projected_rtw_date: date | None = None
    projected_cost: float | None = None
    projected_readiness_date: date | None = None
    schedule_start_date: date | None = Field(
        default=None, description="week 1 of the graduated schedule (a draft's: its own, or projected)"
    )


class WarningView(BaseModel):
    code: str
    field: str
    message: str
    # Who acknowledged it and when (a system publication: "accepted counter-proposal <id>"), and on which
    # version: a warning acknowledged on an earlier version carries over while its code and message stand.
    acknowledged_by: str | None = None
    acknowledged_by_username: str | None = None
    acknowledged_at: datetime | None = None
    acknowledged_on_version: int | None = None


class CapacityIn(BaseModel):
    demand: str
    frequency: str | None = None
    load_kg: float | None = None
    duration_min: float | None = None


class CopmItemView(BaseModel):
    problem: str
    importance: int
    performance: int
    satisfaction: int


class BaselineView(BaseModel):
    """The assessment the plan starts from (intake's `case.assessed`): capacities, pain before treatment, COPM.
    Progress starts here: the pain baseline, the first capacity observation, the first COPM ratings."""

    assessment_id: uuid.UUID
    assessed_on: date
    pain_nrs: int | None = None
    grip_kg_left: float | None = None
    grip_kg_right: float | None = None
    capacities: list[CapacityIn] = Field(default_factory=list)
    copm: list[CopmItemView] = Field(default_factory=list)


class _Read(BaseModel):
    id: uuid.UUID
    case_id: uuid.UUID
    version: int
    status: str
    schedule: list[ScheduleWeekIn]
    restrictions: list[RestrictionIn]
    projections: Projections
    therapy_start_date: date | None = None
    schedule_start_date: date | None = None
    next_review_date: date | None = None
    previous_plan_id: uuid.UUID | None = None
    changes: list[str] | None = None
    created_at: datetime
    updated_at: datetime
    published_at: datetime | None = None
    ended_at: datetime | None = None


class PlanTherapistView(_Read):
    """Everything: the therapist's own clinic's plan."""

    clinic_org_id: str
    employer_org_id: str
    insurer_org_id: str
    therapist_id: str
    goals: list[GoalIn]
    phases: list[PhaseIn]
    accommodations: list[AccommodationIn]
    start_date: date | None = None
    acknowledged_warnings: list[WarningView] | None = None
    end_reason: str | None = None
    published_by: str | None = Field(
        default=None, description='who published it: a therapist, or "accepted counter-proposal <id>"'
    )
    baseline: BaselineView | None = None
    agreed_accommodation_id: uuid.UUID | None = Field(
        default=None, description="the accommodation request whose accepted counter-proposal this version is"
    )


class PlanInsurerView(_Read):
    """Where the return stands and what it will cost: no goals, phases or accommodation detail."""


PlanView = PlanTherapistView | PlanInsurerView


PlanReadModel = type[PlanTherapistView] | type[PlanInsurerView]
# One read model per role that reads plans (policy.PLAN_READERS; the other roles get 403).
VIEW_FOR_ROLE: dict[str, PlanReadModel] = {"therapist": PlanTherapistView, "insurer": PlanInsurerView}


def view_model(principal: Principal) -> PlanReadModel | None:
    """The read model of the caller's role (None: the role reads no plans, 403)."""
    role = access.reading_role(principal)
    return VIEW_FOR_ROLE.get(role) if role else None


def reader_model(principal: Principal) -> PlanReadModel:
    """The read model of the caller's role; 403 for a role that reads no plans."""
    view = view_model(principal)
    if view is None:
        raise ForbiddenError("your role does not read plans")
    return view


class PlanList(BaseModel):
    items: list[PlanView]
    next_cursor: str | None = None


def document(plan: Plan, projected: Projections | None = None) -> dict[str, object]:
    """A plan row flattened for the read models: content fields at the top, projections grouped, the
    schedule's weeks dated, who is involved from its case. `projected`: a draft's (None: as fixed)."""
    case = plan.case
    projections = projected or Projections(
        projected_rtw_date=plan.projected_rtw_date,
        projected_cost=plan.projected_cost,
        projected_readiness_date=plan.projected_readiness_date,
        schedule_start_date=plan.schedule_start_date,
    )
    content_start = plan.content.get("schedule_start_date")
    week_1 = projections.schedule_start_date or (date.fromisoformat(content_start) if content_start else None)
    return {
        **plan.content,
        "schedule": dated_weeks(plan.content.get("schedule", []), week_1),
        "id": plan.id,
        "case_id": plan.case_id,
        "version": plan.version,
        "status": plan.status,
        "clinic_org_id": case.clinic_org_id,
        "employer_org_id": case.employer_org_id,
        "insurer_org_id": case.insurer_org_id,
        "therapist_id": case.therapist_id,
        "projections": projections,
        "therapy_start_date": plan.therapy_start_date,
        "schedule_start_date": plan.schedule_start_date or plan.content.get("schedule_start_date"),
        "next_review_date": plan.next_review_date or plan.content.get("next_review_date"),
        "previous_plan_id": plan.previous_plan_id,
        "changes": plan.changes,
        "acknowledged_warnings": plan.acknowledged_warnings,
        "created_at": plan.created_at,
        "updated_at": plan.updated_at,
        "published_at": plan.published_at,
        "published_by": plan.published_by,
        "ended_at": plan.ended_at,
        "end_reason": plan.end_reason,
        "baseline": plan.baseline,
        "agreed_accommodation_id": plan.agreed_accommodation_id,
    }


def dated_weeks(schedule: list[dict[str, Any]], schedule_start: date | None) -> list[dict[str, Any]]:
    """The graduated schedule's weeks with their first and last day (ISO text, as stored content is), once the
    schedule has a start (week n begins 7 x (n - 1) days after week 1)."""
    if schedule_start is None:
        return schedule
    return [
        {
            **week,
            "starts_on": (start := schedule_start + timedelta(days=7 * (week["week"] - 1))).isoformat(),
            "ends_on": (start + timedelta(days=6)).isoformat(),
        }
        for week in schedule
    ]
