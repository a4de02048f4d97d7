"""API schemas of the session log: what a therapist records (every number bounded), and what reads
answer. Only therapists read sessions: pain, effort and notes are clinical detail (the insurer gets
summary numbers from the progress endpoint)."""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Annotated, Literal

from pydantic import BaseModel, Field, model_validator

from rtw_shared.schemas import InputModel
from rtw_shared.types import IsoDate
from rtw_shared.vocabulary import Demand

from ..plans.schemas import ActivityKind, PerformedAt
from ..progress.schemas import Dose

Attendance = Literal["attended", "cancelled", "no_show"]
Action = Literal["advance", "hold", "regress"]
ActivityId = Annotated[uuid.UUID, Field(strict=False)]


class DoseIn(InputModel):
    load_kg: float | None = Field(default=None, ge=0, le=1000)
    reps: int | None = Field(default=None, ge=0, le=1000)
    sets: int | None = Field(default=None, ge=0, le=100)
    duration_min: float | None = Field(default=None, ge=0, le=1440)


class ActivityResultIn(InputModel):
    """One activity of the session: what was prescribed and what the worker achieved. Name the plan's activity
    by its `activity_id`; without it, the plan's one activity of that kind and demand (and frequency, when
    given) is meant — 422 when the plan has several — and one the plan does not have is kept by its kind,
    demand and frequency."""

    activity_id: ActivityId | None = Field(default=None, description="the plan's activity (its id in the plan)")
    kind: ActivityKind
    demand: Demand | None = None
    frequency: PerformedAt | None = Field(
        default=None, description="the frequency the performance stands for (default: the activity's, else occasional)"
    )
    prescribed: DoseIn
    achieved: DoseIn
    tolerated: bool = True
    stopped_reason: str | None = Field(default=None, min_length=1, max_length=500)

    @model_validator(mode="after")
    def _why_stopped(self) -> ActivityResultIn:
        if not self.tolerated and not self.stopped_reason:
            raise ValueError("stopped_reason: say why an activity that was not tolerated was stopped")
        return self


class SessionIn(InputModel):
    """POST /v1/plans/{id}/sessions: one session (send an Idempotency-Key so a retry records it once)."""

    date: IsoDate
    attendance: Attendance = "attended"
    absence_reason: str | None = Field(default=None, min_length=1, max_length=500)
    minutes: int = Field(default=0, ge=0, le=480)
    work_simulation: bool = False
    activities: list[ActivityResultIn] = Field(default_factory=list, max_length=30)
    pain_before: int | None = Field(default=None, ge=0, le=10, description="NRS 0-10")
    pain_after: int | None = Field(default=None, ge=0, le=10, description="NRS 0-10")
    effort: float | None = Field(default=None, ge=0, le=10, description="Borg CR10, 0-10")
    note: str | None = Field(default=None, max_length=4000)

    @model_validator(mode="after")
    def _attendance_consistent(self) -> SessionIn:
        if self.attendance == "attended":
            if self.absence_reason is not None:
                raise ValueError("absence_reason: only a cancelled or missed session has one")
            return self
        if not self.absence_reason:
            raise ValueError(f"absence_reason: a session marked {self.attendance} needs the reason")
        if self.minutes or self.activities or self.work_simulation:
            raise ValueError(f"a session marked {self.attendance} has no minutes, activities or work simulation")
        return self


class SessionCorrectionIn(InputModel):
    """POST …/sessions/{sid}/revisions: the whole corrected session, and why (the earlier revision stays)."""

    session: SessionIn
    reason: str = Field(min_length=1, max_length=1000)


class DecisionIn(InputModel):
    """POST …/sessions/{sid}/decisions: accept the recommendation for one activity, or override it. Name the
    activity by its `activity_id` (or, for one the plan does not have, by kind, demand and frequency)."""

    activity_id: ActivityId | None = None
    kind: ActivityKind | None = None
    demand: Demand | None = None
    frequency: PerformedAt | None = None
    decision: Literal["accept", "override"]
    chosen: Action | None = Field(default=None, description="override: what to do instead")
    reason: str | None = Field(default=None, min_length=1, max_length=1000)
    prescription: DoseIn | None = Field(default=None, description="override: the next prescription")

    @model_validator(mode="after")
    def _override_explained(self) -> DecisionIn:
        if self.activity_id is None and self.kind is None:
            raise ValueError("name the activity decided on: its activity_id (or its kind and demand)")
        if self.decision == "override" and (self.chosen is None or not self.reason):
            raise ValueError("an override names what is chosen instead and the reason")
        return self


class RecommendationView(BaseModel):
    activity_id: uuid.UUID | None = Field(description="the plan's activity (null: one the plan does not have)")
    name: str
    kind: str
    demand: str | None
    frequency: str
    action: Action
    reason: str
    information: str | None = Field(default=None, description="shown beside it, deciding nothing: a rise in pain")
    next_prescription: Dose


class SessionView(BaseModel):
    id: uuid.UUID
    case_id: uuid.UUID
    plan_id: uuid.UUID
    revision: int
    date: dt.date
    attendance: Attendance
    absence_reason: str | None = None
    minutes: int
    work_simulation: bool
    activities: list[ActivityResultIn]
    pain_before: int | None = None
    pain_after: int | None = None
    effort: float | None = None
    note: str | None = None
    recorded_by: str
    created_at: dt.datetime
    updated_at: dt.datetime
    # The progression recommendation per activity after this session (the rule as the clinic set it).
    recommendations: list[RecommendationView] = Field(default_factory=list)


class SessionRevisionView(BaseModel):
    revision: int
    reason: str | None
    recorded_by: str
    recorded_at: dt.datetime
    session: SessionIn


class SessionDetail(SessionView):
    revisions: list[SessionRevisionView]


class SessionList(BaseModel):
    items: list[SessionView]
    next_cursor: str | None = None


class DecisionView(BaseModel):
    id: uuid.UUID
    session_id: uuid.UUID
    activity_id: uuid.UUID | None
    kind: str
    demand: str | None
    frequency: str | None
    recommended: Action
    recommended_reason: str
    recommended_prescription: Dose
    chosen: Action
    overridden: bool
    reason: str | None
    prescription: Dose
    decided_by: str
    created_at: dt.datetime
