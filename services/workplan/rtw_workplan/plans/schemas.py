"""API schemas for plans: what a therapist sends (every number bounded, every vocabulary closed). The
content models double as the content of the read models (views.py), so what a GET answers a PUT takes."""

from __future__ import annotations

import itertools
import uuid
from typing import Annotated, Any, Literal

from pydantic import Field, JsonValue, ValidationInfo, field_validator, model_validator

from rtw_shared.restrictions import RestrictionIn
from rtw_shared.schemas import InputModel
from rtw_shared.types import IsoDate
from rtw_shared.vocabulary import AccommodationCategory, Demand, Duties

from ..rules.facts import activity_label, measured_by_load

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
    """A plan's content, as a row keeps it and a PUT replaces it whole."""

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


class PublishIn(_Input):
    """POST /v1/plans/{id}/publish (optional body): the codes of the clinical warnings you acknowledge."""

    acknowledge: list[str] = Field(default_factory=list, max_length=50, description="warning codes, as answered")


class EndIn(_Input):
    """POST /v1/plans/{id}/complete (optional body): a note on how the treatment ended."""

    reason: str | None = Field(default=None, min_length=1, max_length=500)


class CancelIn(_Input):
    """POST /v1/plans/{id}/cancel: why the plan is cancelled."""

    reason: str = Field(min_length=1, max_length=500)
