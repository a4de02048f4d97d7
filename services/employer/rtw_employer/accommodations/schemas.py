"""API schemas for accommodation requests: the employer's decision, and one read model per
reader. A field a reader must not see does not exist in its model (docs/domain/access.md, "Who may see
what"); none of them has anything clinical, because employer never receives it."""

from __future__ import annotations

import itertools
import uuid
from datetime import date, datetime
from typing import Literal

from pydantic import BaseModel, Field, ValidationInfo, field_validator

from rtw_shared import role_view
from rtw_shared.schemas import InputModel
from rtw_shared.types import IsoDate
from rtw_shared.vocabulary import AccommodationCategory, Duties

from ..cases.models import CaseCopy
from .agreement import agreed_terms
from .models import AccommodationRequest

Status = Literal["requested", "confirmed", "declined", "countered", "expired", "withdrawn"]
Decision = Literal["confirmed", "declined", "countered"]


class _Input(InputModel):
    """Request bodies: strict, closed, no NUL characters (see rtw_shared.schemas)."""


class AccommodationIn(_Input):
    category: AccommodationCategory
    description: str = Field(min_length=1, max_length=1000)


class ScheduleWeekIn(_Input):
    week: int = Field(ge=1, le=104)
    hours_per_day: float = Field(ge=0, le=24)
    days_per_week: int = Field(ge=0, le=7)
    duties: Duties


class CounterProposal(_Input):
    """What the employer offers instead; it goes back to the therapist. Its schedule may add or drop
    weeks against the request's and start on another day; an empty list keeps what was requested."""

    description: str = Field(min_length=1, max_length=2000)
    accommodations: list[AccommodationIn] = Field(default_factory=list, max_length=20)
    schedule: list[ScheduleWeekIn] = Field(
        default_factory=list,
        max_length=104,
        description="the weeks offered, in order, each once (weeks may be added or dropped); "
        "empty: the schedule as requested",
    )
    schedule_start_date: IsoDate | None = Field(
        default=None, description="when week 1 would start instead; null: when the request says"
    )

    @field_validator("schedule")
    @classmethod
    def _weeks_in_order_each_once(cls, schedule: list[ScheduleWeekIn]) -> list[ScheduleWeekIn]:
        numbers = [week.week for week in schedule]
        if any(later <= earlier for earlier, later in itertools.pairwise(numbers)):
            raise ValueError(f"list the weeks in order, each once (got weeks {', '.join(map(str, numbers))})")
        return schedule


DECLINE_NEEDS_A_REASON = "say why you decline, so the therapist can propose something else"


class DecisionIn(_Input):
    decision: Decision
    # validate_default: the rules below must also run when `note` or `counter` is left out.
    note: str | None = Field(
        default=None,
        max_length=2000,
        validate_default=True,
        description="required when declining: why, so the therapist can propose something else",
    )
    counter: CounterProposal | None = Field(default=None, validate_default=True)

    @field_validator("note")
    @classmethod
    def _a_decline_says_why(cls, note: str | None, info: ValidationInfo) -> str | None:
        # One rule for the API and the portal (whose decline form is read into this model).
        if info.data.get("decision") == "declined" and not (note or "").strip():
            raise ValueError(DECLINE_NEEDS_A_REASON)
        return note

    @field_validator("counter")
    @classmethod
    def _counter_goes_with_countered(
        cls, counter: CounterProposal | None, info: ValidationInfo
    ) -> CounterProposal | None:
        decision = info.data.get("decision")
        if decision == "countered" and counter is None:
            raise ValueError("required when decision is countered: say what you offer instead")
        if decision in ("confirmed", "declined") and counter is not None:
            raise ValueError(f"only a countered decision carries a counter-proposal, not {decision}")
        return counter


class RestrictionView(BaseModel):
    demand: str
    frequency: str | None = None
    load_kg: float | None = None
    duration_min: float | None = None
    start: date | None = Field(default=None, description="from when it applies")
    review_date: date | None = Field(default=None, description="until when it applies: the therapist reviews it then")
    end: date | None = Field(default=None, description="when it ends, if the therapist set an end")


class ScheduleWeekView(BaseModel):
    week: int
    hours_per_day: float
    days_per_week: int
    duties: str
    starts_on: date | None = Field(default=None, description="the week's first day, once the schedule has a start")
    ends_on: date | None = Field(default=None, description="the week's last day")


class AccommodationItemView(BaseModel):
    category: str
    description: str


class CounterView(BaseModel):
    """A counter-proposal as the employer made it, its weeks dated from its start (or the request's)."""

    description: str
    accommodations: list[AccommodationItemView]
    schedule: list[ScheduleWeekView] = Field(description="empty: the schedule as requested")
    schedule_start_date: date | None = Field(default=None, description="when week 1 would start; null: as requested")


class AgreedView(BaseModel):
    """What stands once the therapist accepted the counter-proposal: the counter (a list it left empty:
    what was requested), until the plan version that puts it into effect is published; then that
    version's schedule and accommodations."""

    plan_id: uuid.UUID | None = Field(description="the plan version that puts the agreement into effect")
    plan_version: int | None = Field(description="null until workplan publishes the version that puts it into effect")
    schedule_start_date: date | None
    schedule: list[ScheduleWeekView]
    accommodations: list[AccommodationItemView]


class AccommodationView(BaseModel):
    """The employer's (and the case's therapist's) view: what to accommodate, and the answer. The
    employer sees who the worker is, their restrictions and the schedule only while the worker
    consents to share them (docs/domain/access.md); `restrictions_shared` says whether they do.
    Employer keeps the worker's name only while they do, so the therapist too sees it only then."""

    id: uuid.UUID
    case_id: uuid.UUID
    case_reference: str | None
    worker_name: str | None
    job_title: str | None
    employer_org_id: str
    plan_id: uuid.UUID
    plan_version: int
    restrictions_shared: bool = Field(
        description="whether the worker shares restrictions with the employer; "
        "false (or not known yet): the employer is not shown the "
        "worker's name, job title, restrictions nor schedule"
    )
    restrictions: list[RestrictionView]
    accommodations: list[AccommodationItemView]
    schedule: list[ScheduleWeekView]
    schedule_start_date: date | None = Field(description="the day week 1 of the requested schedule begins")
    due_date: date
    status: Status
    decided_by: str | None
    decided_by_username: str | None
    decided_at: datetime | None
    note: str | None
    counter: CounterView | None
    attestation_sha256: str | None
    counter_accepted_by: str | None = Field(description="the therapist who accepted the counter-proposal")
    counter_accepted_by_username: str | None
    counter_accepted_at: datetime | None
    agreement_sha256: str | None = Field(
        description="sha256 of the request together with the counter-proposal the therapist accepted"
    )
    withdrawn_reason: str | None = Field(description="why the request can no longer be decided")
    agreed: AgreedView | None = Field(
        description="what stands once the therapist accepted the counter-proposal (null: none accepted)"
    )
    version: int
    created_at: datetime
    updated_at: datetime

    @classmethod
    def of(
        cls, request: AccommodationRequest, case: CaseCopy | None, view: role_view.RoleView, *, shared: bool
    ) -> AccommodationView:
        """The view of `request` holding what the reader's role `view` of its case shows (the worker's name,
        job title, restrictions and schedule each only when it does); `shared`: whether the worker shares
        them with the employer."""
        fields = {name: getattr(request, name) for name in cls.model_fields if hasattr(request, name)}
        fields.update(
            case_reference=case.reference if case else None,
            worker_name=case.worker_name if case and view.shows(role_view.Field.WORKER_NAME) else None,
            job_title=case.job_title if case and view.shows(role_view.Field.JOB_TITLE) else None,
            restrictions_shared=shared,
            agreed=agreed_terms(request),
        )
        if not view.shows(role_view.Field.RESTRICTIONS):
            fields.update(restrictions=[])
        if not view.shows(role_view.Field.SCHEDULE):  # every schedule and its dates: the request's, offered, agreed
            fields.update(schedule=[], schedule_start_date=None)
            for key in ("counter", "agreed"):
                if fields[key] is not None:
                    fields[key] = {**fields[key], "schedule": [], "schedule_start_date": None}
        return cls(**fields)


class AccommodationStatusView(BaseModel):
    """The insurer's view: where the request stands, nothing of what it asks."""

    id: uuid.UUID
    case_id: uuid.UUID
    status: Status
    due_date: date
    updated_at: datetime

    @classmethod
    def of(
        cls, request: AccommodationRequest, case: CaseCopy | None, view: role_view.RoleView, **_shown: bool
    ) -> AccommodationStatusView:
        """Where `request` stands (what the insurer's role view has of a request: its status only)."""
        return cls(
            id=request.id,
            case_id=request.case_id,
            status=request.status,
            due_date=request.due_date,
            updated_at=request.updated_at,
        )


class AccommodationList(BaseModel):
    items: list[AccommodationView | AccommodationStatusView]
    next_cursor: str | None = None
