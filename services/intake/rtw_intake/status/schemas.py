from __future__ import annotations

import uuid
from datetime import date, datetime

from pydantic import BaseModel, Field


class PlanStatus(BaseModel):
    status: str | None = None
    version: int | None = None
    adherence: float | None = None
    job_match: float | None = None


class AccommodationStatus(BaseModel):
    status: str | None = None


class Cost(BaseModel):
    projected: float | None = None
    actual: float | None = None


class CaseStatusView(BaseModel):
    """GET /v1/cases/{id}/status — null until an event provides a value."""

    case_id: uuid.UUID
    reference: str
    claim_number: str | None = Field(
        default=None, description="the insurer's claim number (therapists and insurers, as the role view says)"
    )
    status: str
    plan: PlanStatus
    accommodation: AccommodationStatus
    projected_rtw_date: date | None = None
    projected_readiness_date: date | None = None
    cost: Cost
    updated_at: datetime
