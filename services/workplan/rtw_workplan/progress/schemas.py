"""API schemas for progress: the reviews a therapist records, and one read model per role of the
computed report — the insurer's has summary numbers only (no pain, no session detail, no
recommendation reasons, which speak of pain); employers read no progress (docs/domain/access.md)."""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Annotated, Any, Literal

from pydantic import BaseModel, Field, model_validator

from rtw_shared.schemas import InputModel
from rtw_shared.types import IsoDate


class Dose(BaseModel):
    load_kg: float | None = None
    reps: int | None = None
    sets: int | None = None
    duration_min: float | None = None


class GasScoreIn(InputModel):
    """One goal's attainment: the goal named by its id (`goal`, its position, is what clients used before goals
    had ids; give one of the two)."""

    goal_id: Annotated[uuid.UUID, Field(strict=False)] | None = Field(default=None, description="the goal's id")
    goal: int | None = Field(
        default=None, ge=0, le=49, description="deprecated: the goal's position in the plan's goals (0 for the first)"
    )
    attainment: int = Field(ge=-2, le=2)

    @model_validator(mode="after")
    def _one_goal(self) -> GasScoreIn:
        if (self.goal_id is None) == (self.goal is None):
            raise ValueError("name the goal scored by its goal_id")
        return self


class CopmItemIn(InputModel):
    problem: str = Field(min_length=1, max_length=200)
    importance: int = Field(ge=1, le=10)
    performance: int = Field(ge=1, le=10)
    satisfaction: int = Field(ge=1, le=10)


class ReviewIn(InputModel):
    """POST /v1/plans/{id}/reviews: GAS attainment of the goals scored, and the COPM reassessment."""

    date: IsoDate
    gas: list[GasScoreIn] = Field(default_factory=list, max_length=50)
    copm: list[CopmItemIn] = Field(default_factory=list, max_length=5)


class ReviewView(BaseModel):
    id: uuid.UUID
    plan_id: uuid.UUID
    review_date: dt.date
    gas_t_score: float | None
    recorded_by: str
    created_at: dt.datetime


class WeekView(BaseModel):
    week: int
    starts_on: dt.date
    planned_sessions: int
    planned_minutes: int
    delivered_sessions: int
    delivered_minutes: int
    ended: bool


class AdherenceView(BaseModel):
    sessions: float | None = Field(description="share of planned sessions delivered, over the weeks ended")
    minutes: float | None
    weeks: list[WeekView]


class DosageView(BaseModel):
    sessions_attended: int
    sessions_cancelled: int
    sessions_no_show: int
    hours: float
    work_simulation_share: float | None
    mean_minutes: float | None


class FitView(BaseModel):
    method: Literal["least_squares"] = "least_squares"
    slope_per_week: float
    slope_se_per_week: float | None
    r_squared: float | None
    observations: int


class DemandReadinessView(BaseModel):
    status: Literal["met", "projected", "not_progressing", "plan_estimate"]
    ready_on: dt.date | None
    earliest: dt.date | None
    latest: dt.date | None
    fit: FitView | None


class CapacityView(BaseModel):
    demand: str
    frequency: str
    unit: Literal["kg", "min"]
    required: float | None
    current: float | None
    met: bool
    readiness: DemandReadinessView


class CapacityPoint(BaseModel):
    date: dt.date
    value: float


class CapacityTherapistView(CapacityView):
    series: list[CapacityPoint] = Field(description="each observation: the assessment's first, then each session's")
    activity_ids: list[uuid.UUID] = Field(description="the plan's activities that train this demand at this frequency")


class JobMatchView(BaseModel):
    share: float | None
    met: int
    total: int
    dot_strength_level_reached: str | None


class ReadinessView(BaseModel):
    projected_readiness_date: dt.date | None
    earliest: dt.date | None
    latest: dt.date | None
    projected_rtw_date: dt.date | None
    schedule_start_date: dt.date


class GasView(BaseModel):
    reviews: list[dict[str, Any]]
    latest_t_score: float | None
    change: float | None


class CopmView(BaseModel):
    first: dict[str, Any] | None
    latest: dict[str, Any] | None
    change: dict[str, Any] | None


class CostView(BaseModel):
    currency: Literal["USD"] = "USD"
    projected: float
    actual: float


class ActivityView(BaseModel):
    """One activity's row, by its id in the plan (null for one done without it: kept by kind, demand and
    frequency)."""

    activity_id: uuid.UUID | None
    name: str
    kind: str
    demand: str | None
    frequency: str
    recommendation: Literal["advance", "hold", "regress"]
    reason: str
    information: str | None = Field(default=None, description="shown beside it, deciding nothing: a rise in pain")
    recommended_prescription: Dose
    decision: dict[str, Any] | None
    current_prescription: Dose
    capacity: float | None = Field(description="the best result tolerated over its last 3 sessions")
    unit: Literal["kg", "min"]


class _Progress(BaseModel):
    plan_id: uuid.UUID
    case_id: uuid.UUID
    version: int
    status: str
    as_of: dt.date
    therapy_start_date: dt.date
    adherence: AdherenceView
    dosage: DosageView
    job_match: JobMatchView
    readiness: ReadinessView
    gas: GasView
    copm: CopmView
    cost: CostView


class ProgressTherapistView(_Progress):
    capacity: list[CapacityTherapistView]
    activities: list[ActivityView]


class ProgressInsurerView(_Progress):
    """Summary numbers only."""

    capacity: list[CapacityView]
