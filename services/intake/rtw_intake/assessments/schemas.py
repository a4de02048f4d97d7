from __future__ import annotations

import uuid
from datetime import date, datetime
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field, field_validator

from rtw_shared.schemas import InputModel
from rtw_shared.types import IsoDate

from ..cases.schemas import DemandIn, not_in_future

Score = Field(ge=1, le=10)


GripKg = Annotated[float, Field(ge=0, le=150)]


class GripTrialsIn(InputModel):
    left: list[GripKg] = Field(min_length=3, max_length=3, description="three trials, kg")
    right: list[GripKg] = Field(min_length=3, max_length=3, description="three trials, kg")


class CopmItemIn(InputModel):
    problem: str = Field(min_length=1, max_length=300)
    importance: int = Score
    performance: int = Score
    satisfaction: int = Score


class AssessmentCreate(InputModel):
    date: IsoDate
    capacities: list[DemandIn] = Field(default_factory=list, max_length=50)
    grip_trials_kg: GripTrialsIn | None = None
    pain_nrs: int | None = Field(default=None, ge=0, le=10)
    copm: list[CopmItemIn] = Field(default_factory=list, max_length=20)

    _not_in_future = field_validator("date")(not_in_future)


class AssessmentView(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: uuid.UUID
    case_id: uuid.UUID
    assessed_on: date
    capacities: list[DemandIn]
    grip_trials_kg: GripTrialsIn | None = None
    grip_kg_left: float | None = None
    grip_kg_right: float | None = None
    pain_nrs: int | None = None
    copm: list[CopmItemIn]
    recorded_by: str
    created_at: datetime


class AssessmentList(BaseModel):
    items: list[AssessmentView]
    next_cursor: str | None = None
