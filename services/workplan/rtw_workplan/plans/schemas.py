"""API schemas for plans: what a therapist sends (every number bounded, every vocabulary closed),
and one read model per role — a field a role must not see does not exist in its model
(docs/domain/access.md: the insurer follows schedule, restrictions and projections,
not goals, phases or the accommodation requests themselves)."""

from __future__ import annotations

import itertools
import uuid
from datetime import date, datetime, timedelta
from typing import TYPE_CHECKING, Annotated, Any, Literal

from pydantic import BaseModel, Field, JsonValue, ValidationInfo, field_validator, model_validator

from rtw_shared import access
from rtw_shared.auth import Principal
from rtw_shared.errors import ForbiddenError
from rtw_shared.restrictions import RestrictionIn
from rtw_shared.schemas import InputModel
from rtw_shared.types import IsoDate
from rtw_shared.vocabulary import AccommodationCategory, Demand, Duties

from ..rules.facts import activity_label, measured_by_load

if TYPE_CHECKING:
    from .models import Plan

ActivityKind = Literal["work_simulation", "conditioning", "skill_training", "education"]
# The frequency a force activity's load stands for (the demand scale's, short of `never`).
PerformedAt = Literal["occasional", "frequent", "constant"]
MAX_WEEKS = 104  # two years: far beyond any graded return, short of nonsense
# Ids arrive as JSON text (input models are strict: only the id types read text).
Id = Annotated[uuid.UUID, Field(strict=False)]


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
    id: Id | None = Field(
        default=None,
        description="the goal's id: kept as sent; when absent, the same goal's as the draft had it, else a new one "
        "(reviews score a goal by it)",
    )
    demand: Demand
    frequency: PerformedAt | None = Field(
        default=None, description="the job demand's frequency the goal works towards (its target's)"
    )
    essential_function: str | None = Field(default=None, max_length=200)
    baseline: float = Field(ge=0, le=10_000)
    target: float = Field(ge=0, le=10_000)
    unit: str = Field(min_length=1, max_length=20)
    description: str | None = Field(default=None, max_length=1000)
    gas: GasRowIn | None = None
    weight: float = Field(default=1.0, ge=0, le=100)


class ActivityIn(_Input):
    """One activity of a phase. Its id is what sessions, recommendations, decisions and progress rows name it
    by (kept as sent, assigned when absent, carried into revisions); a force activity (lifting, carrying,
    pushing, pulling, grip) has a frequency — occasional unless given — so its load is compared with the
    restriction and the capacity at that frequency."""

    id: Id | None = Field(
        default=None, description="kept as sent; when absent, the same activity's as the draft had it, else a new one"
    )
    name: str | None = Field(
        default=None,
        min_length=1,
        max_length=200,
        description='what the therapist calls it ("carton pick from pallet"); from its kind and demand when absent',
    )
    kind: ActivityKind
    demand: Demand | None = None
    frequency: PerformedAt | None = Field(
        default=None, description="the frequency its load stands for: force demands (default occasional)"
    )
    load_kg: float | None = Field(default=None, ge=0, le=1000)
    reps: int | None = Field(default=None, ge=0, le=1000)
    sets: int | None = Field(default=None, ge=0, le=100)
    duration_min: float | None = Field(default=None, ge=0, le=1440)

    @model_validator(mode="after")
    def _defaults(self) -> ActivityIn:
        if self.frequency is None and measured_by_load(self.demand):
            self.frequency = "occasional"
        if self.name is None:
            self.name = activity_label(self.kind, self.demand, self.frequency)
        return self


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
    # Read-only: the week's first and last day, from the schedule's start (a draft's: projected). Ignored in
    # a PUT, so a GET's answer can be sent back as it is.
    starts_on: IsoDate | None = Field(default=None, json_schema_extra={"readOnly": True}, description="read-only")
    ends_on: IsoDate | None = Field(default=None, json_schema_extra={"readOnly": True}, description="read-only")


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

    @field_validator("goals")
    @classmethod
    def _goal_ids_unique(cls, goals: list[GoalIn]) -> list[GoalIn]:
        _unique([g.id for g in goals], "goal")
        return goals

    @field_validator("phases")
    @classmethod
    def _activity_ids_unique(cls, phases: list[PhaseIn]) -> list[PhaseIn]:
        _unique([a.id for p in phases for a in p.activities], "activity")
        return phases

    def stored(self) -> dict[str, Any]:
        """The content as a plan row keeps it: without the read-only fields a GET adds."""
        return self.model_dump(
            mode="json", include=set(CONTENT_FIELDS), exclude={"schedule": {"__all__": {"starts_on", "ends_on"}}}
        )

    def activities(self) -> list[ActivityIn]:
        """Every activity of every phase, in order."""
        return [a for p in self.phases for a in p.activities]


def _unique(ids: list[uuid.UUID | None], what: str) -> None:
    seen = [i for i in ids if i is not None]
    twice = sorted({str(i) for i in seen if seen.count(i) > 1})
    if twice:
        raise ValueError(f"each {what} needs its own id ({', '.join(twice)} used twice)")


CONTENT_FIELDS = (
    "goals",
    "phases",
    "schedule",
    "restrictions",
    "accommodations",
    "start_date",
    "schedule_start_date",
    "next_review_date",
)
# What a GET answers beside the content: read-only, and ignored when a PUT sends it back (docs/api.md).
READ_ONLY_FIELDS = (
    "id",
    "case_id",
    "version",
    "status",
    "projections",
    "therapy_start_date",
    "previous_plan_id",
    "changes",
    "created_at",
    "updated_at",
    "published_at",
    "published_by",
    "ended_at",
    "end_reason",
    "clinic_org_id",
    "employer_org_id",
    "insurer_org_id",
    "therapist_id",
    "acknowledged_warnings",
    "baseline",
    "agreed_accommodation_id",
)
_IGNORED = Field(default=None, json_schema_extra={"readOnly": True}, description="read-only: ignored")


class PlanPut(PlanContent):
    """PUT /v1/plans/{id}: the whole content of a draft, replacing what was there. The body a GET answered is
    accepted as it is: its read-only fields (READ_ONLY_FIELDS, the weeks' dates) are ignored."""

    id: JsonValue = _IGNORED
    case_id: JsonValue = _IGNORED
    version: JsonValue = _IGNORED
    status: JsonValue = _IGNORED
    projections: JsonValue = _IGNORED
    therapy_start_date: JsonValue = _IGNORED
    previous_plan_id: JsonValue = _IGNORED
    changes: JsonValue = _IGNORED
    created_at: JsonValue = _IGNORED
    updated_at: JsonValue = _IGNORED
    published_at: JsonValue = _IGNORED
    published_by: JsonValue = _IGNORED
    ended_at: JsonValue = _IGNORED
    end_reason: JsonValue = _IGNORED
    clinic_org_id: JsonValue = _IGNORED
    employer_org_id: JsonValue = _IGNORED
    insurer_org_id: JsonValue = _IGNORED
    therapist_id: JsonValue = _IGNORED
    acknowledged_warnings: JsonValue = _IGNORED
    baseline: JsonValue = _IGNORED
    agreed_accommodation_id: JsonValue = _IGNORED


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
