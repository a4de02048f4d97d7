"""API schemas for cases: what a therapist sends, and one read model per role — a field a role
must not see does not exist in its model (product.md, "Who may see what")."""

from __future__ import annotations

import uuid
from datetime import date, datetime
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

Demand = Literal[
    "lift_floor_waist", "lift_waist_shoulder", "lift_overhead", "carry", "push", "pull", "sit", "stand",
    "walk", "climb_stairs", "climb_ladder", "stoop", "crouch", "kneel", "crawl", "reach_overhead",
    "reach_forward", "grip", "fine_manipulation", "gross_manipulation", "keyboarding", "drive",
]
Frequency = Literal["never", "occasional", "frequent", "constant"]
StrengthLevel = Literal["sedentary", "light", "medium", "heavy", "very_heavy"]
OrgId = Field(min_length=1, max_length=64, pattern=r"^[a-z0-9][a-z0-9-]*$")


class _Input(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)


class WorkerIn(_Input):
    given_name: str = Field(min_length=1, max_length=100)
    family_name: str = Field(min_length=1, max_length=100)
    date_of_birth: date
    preferred_language: str | None = Field(default=None, max_length=35)


class ClaimIn(_Input):
    claim_number: str = Field(min_length=1, max_length=64)
    insurer_org_id: str = OrgId
    injury_date: date
    mechanism: str | None = Field(default=None, max_length=1000)
    body_parts: list[str] = Field(default_factory=list, max_length=20)
    diagnosis_codes: list[str] = Field(default_factory=list, max_length=20)


class DemandIn(_Input):
    demand: Demand
    frequency: Frequency
    load_kg: float | None = Field(default=None, ge=0, le=1000)
    duration_min: float | None = Field(default=None, ge=0, le=1440)


class EssentialFunctionIn(_Input):
    name: str = Field(min_length=1, max_length=200)
    demands: list[DemandIn] = Field(default_factory=list, max_length=50)


class EmploymentIn(_Input):
    employer_org_id: str = OrgId
    job_title: str = Field(min_length=1, max_length=200)
    onet_soc_code: str | None = Field(default=None, pattern=r"^\d{2}-\d{4}\.\d{2}$")
    dot_strength_level: StrengthLevel | None = None
    hours_per_day: float = Field(ge=0, le=24)
    days_per_week: int = Field(ge=0, le=7)
    essential_functions: list[EssentialFunctionIn] = Field(default_factory=list, max_length=50)


class CaseCreate(_Input):
    worker: WorkerIn
    claim: ClaimIn
    employment: EmploymentIn


class _Read(BaseModel):
    model_config = ConfigDict(from_attributes=True)


class CaseTherapistView(_Read):
    """Everything: the therapist's own clinic's case."""

    id: uuid.UUID
    reference: str
    status: str
    clinic_org_id: str
    employer_org_id: str
    insurer_org_id: str
    therapist_id: str
    worker: WorkerIn
    claim: ClaimIn
    employment: EmploymentIn
    version: int
    created_at: datetime
    updated_at: datetime


class WorkerNameView(BaseModel):
    given_name: str
    family_name: str


class JobView(BaseModel):
    employer_org_id: str
    job_title: str
    hours_per_day: float
    days_per_week: int


class CaseEmployerView(_Read):
    """Worker name and job only: no diagnosis, mechanism, body parts, date of birth, claim."""

    id: uuid.UUID
    reference: str
    status: str
    worker: WorkerNameView
    employment: JobView
    created_at: datetime
    updated_at: datetime


class WorkerInsurerView(BaseModel):
    given_name: str
    family_name: str
    date_of_birth: date


class ClaimInsurerView(BaseModel):
    claim_number: str
    insurer_org_id: str
    injury_date: date
    body_parts: list[str]
    diagnosis_codes: list[str]
    mechanism: str | None = None


class CaseInsurerView(_Read):
    id: uuid.UUID
    reference: str
    status: str
    worker: WorkerInsurerView
    claim: ClaimInsurerView
    employer_org_id: str
    created_at: datetime
    updated_at: datetime


CaseView = CaseTherapistView | CaseEmployerView | CaseInsurerView


class CaseList(BaseModel):
    items: list[CaseView]
    next_cursor: str | None = None
