"""API schemas for plans: what a therapist sends (every number bounded, every vocabulary closed),
and one read model per role — a field a role must not see does not exist in its model
(docs/domain/access.md: the insurer follows schedule, restrictions and projections,
not goals, phases or the accommodation requests themselves)."""

from __future__ import annotations

import itertools
import uuid
from datetime import date, datetime
from typing import TYPE_CHECKING, Literal

from pydantic import BaseModel, Field, ValidationInfo, field_validator

from rtw_shared import access
from rtw_shared.auth import Principal
from rtw_shared.restrictions import RestrictionIn
from rtw_shared.schemas import InputModel
from rtw_shared.types import IsoDate
from rtw_shared.vocabulary import AccommodationCategory, Demand, Duties

if TYPE_CHECKING:
    from .models import Plan

ActivityKind = Literal["work_simulation", "conditioning", "skill_training", "education"]
MAX_WEEKS = 104  # two years: far beyond any graded return, short of nonsense


class _Input(InputModel):
    """Request bodies: strict, closed, no NUL characters (see rtw_shared.schemas)."""


class GasRowIn(_Input):
    """Goal Attainment Scaling: what each level from -2 to +2 looks like for this goal."""

    minus_2: str = Field(min_length=1, max_length=500)
    minus_1: str = Field(min_length=1, max_length=500)
    zero: str = Field(min_length=1, max_length=500)
    plus_1: str = Field(min_length=1, max_length=500)
    plus_2: str = Field(min_length=1, max_length=500)


class GoalIn(_Input):
    demand: Demand
    essential_function: str | None = Field(default=None, max_length=200)
    baseline: float = Field(ge=0, le=10_000)
    target: float = Field(ge=0, le=10_000)
    unit: str = Field(min_length=1, max_length=20)
    description: str | None = Field(default=None, max_length=1000)
    gas: GasRowIn | None = None
    weight: float = Field(default=1.0, ge=0, le=100)


class ActivityIn(_Input):
    kind: ActivityKind
    demand: Demand | None = None
    load_kg: float | None = Field(default=None, ge=0, le=1000)
    reps: int | None = Field(default=None, ge=0, le=1000)
    sets: int | None = Field(default=None, ge=0, le=100)
    duration_min: float | None = Field(default=None, ge=0, le=1440)


class PhaseIn(_Input):
    name: str = Field(min_length=1, max_length=200)
    start_week: int = Field(ge=1, le=MAX_WEEKS)
    end_week: int = Field(ge=1, le=MAX_WEEKS)
    sessions_per_week: int = Field(ge=0, le=21)
    minutes_per_session: int = Field(ge=0, le=480)
    activities: list[ActivityIn] = Field(default_factory=list, max_length=50)

    @field_validator("end_week")
    @classmethod
    def _not_before_start(cls, end_week: int, info: ValidationInfo) -> int:
        start_week = info.data.get("start_week")
        if start_week is not None and end_week < start_week:
            raise ValueError(f"end_week ({end_week}) must not be before start_week ({start_week})")
        return end_week


class ScheduleWeekIn(_Input):
    week: int = Field(ge=1, le=MAX_WEEKS)
    hours_per_day: float = Field(ge=0, le=24)
    days_per_week: int = Field(ge=0, le=7)
    duties: Duties


class AccommodationIn(_Input):
    category: AccommodationCategory
    description: str = Field(min_length=1, max_length=1000)


class PlanContent(_Input):
    """PUT /v1/plans/{id}: the whole content of a draft, replacing what was there."""

    goals: list[GoalIn] = Field(default_factory=list, max_length=50)
    phases: list[PhaseIn] = Field(default_factory=list, max_length=20)
    schedule: list[ScheduleWeekIn] = Field(default_factory=list, max_length=MAX_WEEKS)
    restrictions: list[RestrictionIn] = Field(default_factory=list, max_length=50)
    accommodations: list[AccommodationIn] = Field(default_factory=list, max_length=20)
    # Week 1 of the phases (default: the day of publication, or the revised version's), week 1 of the
    # graduated schedule (default: the Monday after the projected readiness date), the next review
    # (default: two weeks after publication).
    start_date: IsoDate | None = None
    schedule_start_date: IsoDate | None = None
    next_review_date: IsoDate | None = None

    @field_validator("schedule")
    @classmethod
    def _weeks_ascending(cls, schedule: list[ScheduleWeekIn]) -> list[ScheduleWeekIn]:
        weeks = [w.week for w in schedule]
        if any(later <= earlier for earlier, later in itertools.pairwise(weeks)):
            raise ValueError(f"weeks must be unique and in ascending order (got {weeks})")
        return schedule


class Projections(BaseModel):
    """Computed at publication (null for a draft): never typed in. The current figures, which move with
    every session, are at GET /v1/plans/{id}/progress."""

    projected_rtw_date: date | None = None
    projected_cost: float | None = None
    projected_readiness_date: date | None = None


class PublishIn(_Input):
    """POST /v1/plans/{id}/publish (optional body): the codes of the clinical warnings you acknowledge."""

    acknowledge: list[str] = Field(default_factory=list, max_length=50, description="warning codes, as answered")


class EndIn(_Input):
    """POST /v1/plans/{id}/complete (optional body): a note on how the treatment ended."""

    reason: str | None = Field(default=None, min_length=1, max_length=500)


class CancelIn(_Input):
    """POST /v1/plans/{id}/cancel: why the plan is cancelled."""

    reason: str = Field(min_length=1, max_length=500)


class WarningView(BaseModel):
    code: str
    field: str
    message: str


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


class PlanList(BaseModel):
    items: list[PlanView]
    next_cursor: str | None = None


def document(plan: Plan) -> dict[str, object]:
    """A plan row flattened for the read models: content fields at the top, projections grouped,
    who is involved from its case."""
    case = plan.case
    return {
        **plan.content,
        "id": plan.id,
        "case_id": plan.case_id,
        "version": plan.version,
        "status": plan.status,
        "clinic_org_id": case.clinic_org_id,
        "employer_org_id": case.employer_org_id,
        "insurer_org_id": case.insurer_org_id,
        "therapist_id": case.therapist_id,
        "projections": Projections(
            projected_rtw_date=plan.projected_rtw_date,
            projected_cost=plan.projected_cost,
            projected_readiness_date=plan.projected_readiness_date,
        ),
        "therapy_start_date": plan.therapy_start_date,
        "schedule_start_date": plan.schedule_start_date or plan.content.get("schedule_start_date"),
        "next_review_date": plan.next_review_date or plan.content.get("next_review_date"),
        "previous_plan_id": plan.previous_plan_id,
        "changes": plan.changes,
        "acknowledged_warnings": plan.acknowledged_warnings,
        "created_at": plan.created_at,
        "updated_at": plan.updated_at,
        "published_at": plan.published_at,
        "ended_at": plan.ended_at,
        "end_reason": plan.end_reason,
    }
