"""API schemas for progress: the reviews a therapist records, and one read model per role of the
computed report — the insurer's has summary numbers only (no pain, no session detail, no
recommendation reasons, which speak of pain); employers read no progress (docs/domain/access.md)."""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any, Literal

from pydantic import BaseModel, Field

from rtw_shared.schemas import InputModel
from rtw_shared.types import IsoDate


class Dose(BaseModel):
    load_kg: float | None = None
    reps: int | None = None
    sets: int | None = None
    duration_min: float | None = None


class GasScoreIn(InputModel):
    goal: int = Field(ge=0, le=49, description="the goal's position in the plan's goals (0 for the first)")
    attainment: int = Field(ge=-2, le=2)


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
    series: list[CapacityPoint]


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
    kind: str
    demand: str | None
    recommendation: Literal["advance", "hold", "regress"]
    reason: str
    recommended_prescription: Dose
    decision: dict[str, Any] | None
    current_prescription: Dose


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
