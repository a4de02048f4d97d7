"""A clinic's fee schedule and progression thresholds, as the API reads and writes them."""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel, Field

from rtw_shared.schemas import InputModel


class ClinicSettingsIn(InputModel):
    """PUT /v1/clinic-settings: the caller's clinic's numbers (all of them, replacing what was there)."""

    fee_evaluation: float = Field(ge=0, le=100_000, description="USD per evaluation")
    fee_session: float = Field(ge=0, le=100_000, description="USD per attended session")
    sessions_to_advance: int = Field(ge=1, le=10, description="consecutive sessions with the target met")
    pain_margin: int = Field(ge=0, le=10, description="advance: pain after each of them at most baseline + this")
    regress_pain_margin: int = Field(
        default=2, ge=1, le=10, description="regress: pain after the last session at least baseline + this"
    )
    regress_pain_rise: int = Field(
        ge=1, le=10, description="information: a rise in pain of this much within one session is shown beside it"
    )
    step_percent: int = Field(ge=1, le=50, description="how far advance / regress move the prescription")


class ClinicSettingsView(BaseModel):
    clinic_org_id: str
    fee_evaluation: float
    fee_session: float
    sessions_to_advance: int
    pain_margin: int
    regress_pain_margin: int
    regress_pain_rise: int
    step_percent: int
    customised: bool  # false: the deployment's defaults, never changed by the clinic
    updated_at: datetime | None = None
