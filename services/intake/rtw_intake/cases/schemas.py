"""API schemas for cases: what a therapist sends, and one read model per role — a field a role
must not see does not exist in its model (docs/domain/access.md)."""

from __future__ import annotations

import uuid
from datetime import date, datetime

from pydantic import BaseModel, ConfigDict, EmailStr, Field, field_validator, model_validator

from rtw_shared.clock import process_clock
from rtw_shared.restrictions import RestrictionIn
from rtw_shared.schemas import InputModel
from rtw_shared.types import IsoDate

from .models import EVIDENCE_MAX_CHARS
from .vocabulary import BodyPart, CaseStatus, Demand, Frequency, Icd10Code, OnetSocCode, OrgId, StrengthLevel

OLDEST_WORKER_YEARS, YOUNGEST_WORKER_YEARS = 100, 14


def today() -> date:
    """Today on the process clock: a validator has no Unit of Work to ask (rtw_shared.clock)."""
    now: datetime = process_clock()()
    return now.date()


def not_in_future(value: date | None) -> date | None:
    """A field validator: dates of things that happened cannot lie ahead."""
    if value is not None and value > today():
        raise ValueError("cannot be in the future")
    return value


class _Input(InputModel):
    """Request bodies: strict, closed, no NUL characters (see rtw_shared.schemas)."""


class ContactIn(_Input):
    email: EmailStr | None = None
    phone: str | None = Field(default=None, max_length=32, pattern=r"^\+?[0-9 ()-]{5,32}$")


class WorkerIn(_Input):
    given_name: str = Field(min_length=1, max_length=100)
    family_name: str = Field(min_length=1, max_length=100)
    date_of_birth: IsoDate
    contact: ContactIn | None = None
    preferred_language: str | None = Field(default=None, max_length=35, pattern=r"^[A-Za-z]{2,3}(-[A-Za-z0-9]{2,8})*$")

    @field_validator("date_of_birth")
    @classmethod
    def plausible_age(cls, value: date) -> date:
        age = (today() - value).days / 365.25
        if not YOUNGEST_WORKER_YEARS <= age <= OLDEST_WORKER_YEARS:
            raise ValueError(f"a worker is {YOUNGEST_WORKER_YEARS} to {OLDEST_WORKER_YEARS} years old")
        return value


class ClaimIn(_Input):
    claim_number: str = Field(min_length=1, max_length=64)
    insurer_org_id: OrgId
    injury_date: IsoDate
    mechanism: str | None = Field(default=None, max_length=1000)
    body_parts: list[BodyPart] = Field(default_factory=list, max_length=20)
    diagnosis_codes: list[Icd10Code] = Field(default_factory=list, max_length=20)

    _injury_not_in_future = field_validator("injury_date")(not_in_future)


class DemandIn(_Input):
    demand: Demand
    frequency: Frequency
    load_kg: float | None = Field(default=None, ge=0, le=1000)
    duration_min: float | None = Field(default=None, ge=0, le=1440)


class EssentialFunctionIn(_Input):
    name: str = Field(min_length=1, max_length=200)
    demands: list[DemandIn] = Field(default_factory=list, max_length=50)


class EmploymentIn(_Input):
    employer_org_id: OrgId
    job_title: str = Field(min_length=1, max_length=200)
    onet_soc_code: OnetSocCode | None = None
    dot_strength_level: StrengthLevel | None = None
    hours_per_day: float = Field(ge=0, le=24)
    days_per_week: int = Field(ge=0, le=7)
    essential_functions: list[EssentialFunctionIn] = Field(default_factory=list, max_length=50)


class ReferralIn(_Input):
    source: str = Field(min_length=1, max_length=200)
    date: IsoDate

    _referral_not_in_future = field_validator("date")(not_in_future)


class ConsentsIn(_Input):
    share_restrictions_with_employer: bool = True
    share_status_with_insurer: bool = True
    evidence: str | None = Field(
        default=None,
        min_length=1,
        max_length=EVIDENCE_MAX_CHARS,
        description='what the consents given (or refused) at intake rest on, e.g. "signed form WD-12" '
        "(kept in their history)",
    )


class CaseCreate(_Input):
    worker: WorkerIn
    claim: ClaimIn
    employment: EmploymentIn
    referral: ReferralIn | None = None
    consents: ConsentsIn = Field(default_factory=ConsentsIn)
    restrictions: list[RestrictionIn] = Field(default_factory=list, max_length=50)

    @model_validator(mode="after")
    def injury_after_birth(self) -> CaseCreate:
        if self.claim.injury_date < self.worker.date_of_birth:
            raise ValueError("claim.injury_date cannot be before worker.date_of_birth")
        return self


class RestrictionsReplace(_Input):
    restrictions: list[RestrictionIn] = Field(max_length=50)


class TransitionIn(_Input):
    to: CaseStatus
    reason: str | None = Field(default=None, min_length=1, max_length=1000)


class _Read(BaseModel):
    model_config = ConfigDict(from_attributes=True)


class RestrictionView(BaseModel):
    demand: str
    frequency: str
    load_kg: float | None = None
    duration_min: float | None = None
    start: date | None = None
    review_date: date | None = None
    end: date | None = None


class ConsentFlags(BaseModel):
    """The worker's current consents (their history: GET /v1/cases/{id}/consents)."""

    share_restrictions_with_employer: bool
    share_status_with_insurer: bool


class AssessmentSummary(BaseModel):
    """What an insurer may know of assessments: summary numbers only."""

    count: int = 0
    latest_date: date | None = None
    latest_pain_nrs: int | None = None
    latest_grip_kg_left: float | None = None
    latest_grip_kg_right: float | None = None


class CaseTherapistView(_Read):
    """Everything: the therapist's own clinic's case."""

    id: uuid.UUID
    reference: str
    status: CaseStatus
    status_before_hold: str | None = None
    clinic_org_id: str
    employer_org_id: str
    insurer_org_id: str
    therapist_id: str
    worker: WorkerIn
    claim: ClaimIn
    employment: EmploymentIn
    referral: ReferralIn | None = None
    consents: ConsentFlags
    restrictions: list[RestrictionView]
    dot_strength_level_computed: StrengthLevel | None = None
    dot_strength_mismatch: bool
    allowed_moves: list[str]
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
    """The case, and with the worker's consent who the worker is (name, job) and their restrictions:
    never diagnosis, mechanism, body parts, date of birth, claim or assessments."""

    id: uuid.UUID
    reference: str
    status: CaseStatus
    worker: WorkerNameView | None = Field(description="null while the worker does not consent to share it")
    employment: JobView | None = Field(description="null while the worker does not consent to share it")
    restrictions: list[RestrictionView] = Field(description="empty while the worker does not consent to share them")
    restrictions_shared: bool = Field(
        description="whether the worker consents to share who they are and their "
        "restrictions with the employer: false says why they are missing"
    )
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
    status: CaseStatus
    worker: WorkerInsurerView
    claim: ClaimInsurerView
    employer_org_id: str
    restrictions: list[RestrictionView]
    assessments: AssessmentSummary
    created_at: datetime
    updated_at: datetime


CaseView = CaseTherapistView | CaseEmployerView | CaseInsurerView


class CaseList(BaseModel):
    items: list[CaseView]
    next_cursor: str | None = None
