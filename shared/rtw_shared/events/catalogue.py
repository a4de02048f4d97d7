"""Every event in the system. Names are past tense with a version; each names its topic.
Payloads carry ids and what consumers need — never diagnosis or clinical detail."""

from __future__ import annotations

import uuid
from datetime import date, datetime
from typing import ClassVar, Literal

from pydantic import BaseModel, ConfigDict

from rtw_shared.messaging import topics

from .base import EventPayload

__all__ = [
    "AccommodationDecidedV1", "AccommodationRequestedV1", "CaseCreatedV1",
    "CaseSharedWithEmployerV1", "CaseStatusChangedV1", "NotificationDeliveredV1",
    "PlanPublishedV1", "RequestedAccommodation", "Restriction", "ScheduleWeek",
]


class _Part(BaseModel):
    model_config = ConfigDict(frozen=True, extra="ignore")


class Restriction(_Part):
    demand: str
    frequency: str | None = None
    load_kg: float | None = None
    duration_min: float | None = None


class ScheduleWeek(_Part):
    week: int
    hours_per_day: float
    days_per_week: int
    duties: Literal["modified", "full"]


class RequestedAccommodation(_Part):
    category: str
    description: str


# --- intake.case.v1 ------------------------------------------------------------------------
class CaseCreatedV1(EventPayload):
    """A therapist opened a case. Carries who is involved (organisations, the assigned
    therapist and how to reach them), not who the worker is."""

    TYPE: ClassVar[str] = "rtw.case.created.v1"
    TOPIC: ClassVar[topics.Topic] = topics.CASE

    reference: str
    status: str
    clinic_org_id: str
    employer_org_id: str
    insurer_org_id: str
    therapist_id: str
    therapist_email: str | None = None


class CaseSharedWithEmployerV1(EventPayload):
    """What the employer may know of a case (the worker consented): name and job, no more.
    Kept apart from `case.created` so identity travels only to the one consumer entitled to it."""

    TYPE: ClassVar[str] = "rtw.case.shared_with_employer.v1"
    TOPIC: ClassVar[topics.Topic] = topics.CASE

    employer_org_id: str
    worker_name: str
    job_title: str


class CaseStatusChangedV1(EventPayload):
    TYPE: ClassVar[str] = "rtw.case.status_changed.v1"
    TOPIC: ClassVar[topics.Topic] = topics.CASE

    from_status: str
    to_status: str
    reason: str | None = None


# --- workplan.plan.v1 ----------------------------------------------------------------------
class PlanPublishedV1(EventPayload):
    """A plan version was published: what the employer must accommodate, and the projections
    the insurer follows. No goals, sessions or pain scores."""

    TYPE: ClassVar[str] = "rtw.plan.published.v1"
    TOPIC: ClassVar[topics.Topic] = topics.PLAN

    plan_id: uuid.UUID
    version: int
    employer_org_id: str
    published_at: datetime
    restrictions: list[Restriction]
    schedule: list[ScheduleWeek]
    accommodations: list[RequestedAccommodation]
    projected_rtw_date: date | None = None
    projected_cost: float | None = None


# --- employer.accommodation.v1 -------------------------------------------------------------
class AccommodationRequestedV1(EventPayload):
    TYPE: ClassVar[str] = "rtw.accommodation.requested.v1"
    TOPIC: ClassVar[topics.Topic] = topics.ACCOMMODATION

    accommodation_id: uuid.UUID
    employer_org_id: str
    plan_id: uuid.UUID
    plan_version: int
    due_date: date


class AccommodationDecidedV1(EventPayload):
    TYPE: ClassVar[str] = "rtw.accommodation.decided.v1"
    TOPIC: ClassVar[topics.Topic] = topics.ACCOMMODATION

    accommodation_id: uuid.UUID
    employer_org_id: str
    decision: Literal["confirmed", "declined", "countered"]
    decided_by: str
    decided_at: datetime
    # sha256 of exactly the request version the employer decided on (the attestation).
    attestation_sha256: str


# --- notify.delivery.v1 --------------------------------------------------------------------
class NotificationDeliveredV1(EventPayload):
    TYPE: ClassVar[str] = "rtw.notification.delivered.v1"
    TOPIC: ClassVar[topics.Topic] = topics.DELIVERY

    notification_id: uuid.UUID
    channel: Literal["in_app", "email", "webhook"]
    trigger_event_type: str
