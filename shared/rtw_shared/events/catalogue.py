"""Every event in the system. Names are past tense with a version; each names its topic.
Payloads carry ids and what consumers need — never diagnosis or clinical detail."""

from __future__ import annotations

import uuid
from datetime import date, datetime
from typing import ClassVar, Literal

from pydantic import BaseModel, ConfigDict

from .. import topics
from .base import EventPayload

__all__ = [
    "INTAKE_EVENTS",
    "AccommodationDecidedV1",
    "AccommodationExpiredV1",
    "AccommodationRequestedV1",
    "AccommodationWithdrawnV1",
    "Capacity",
    "CaseAssessedV1",
    "CaseConsentChangedV1",
    "CaseCreatedV1",
    "CaseEvent",
    "CaseRestrictionsChangedV1",
    "CaseRtwDateChangedV1",
    "CaseSharedWithEmployerV1",
    "CaseSnapshot",
    "CaseStatusChangedV1",
    "Consents",
    "CopmItem",
    "CounterOffer",
    "Job",
    "JobDemand",
    "NotificationDeliveredV1",
    "PlanCancelledV1",
    "PlanCompletedV1",
    "PlanProgressChangedV1",
    "PlanPublishedV1",
    "PlanRevisedV1",
    "PlanScheduleWeekStartedV1",
    "PlanSessionLoggedV1",
    "RequestedAccommodation",
    "Restriction",
    "ScheduleWeek",
]


class _Part(BaseModel):
    model_config = ConfigDict(frozen=True, extra="ignore")


class Restriction(_Part):
    """A limit on one demand at one frequency, over a period: the case's and the plan's share this shape."""

    demand: str
    frequency: str | None = None
    load_kg: float | None = None
    duration_min: float | None = None
    start: date | None = None
    review_date: date | None = None  # when the therapist reviews it (notify reminds them)
    end: date | None = None


class ScheduleWeek(_Part):
    """A week of the graduated schedule, with its calendar dates once the plan's schedule has a start."""

    week: int
    hours_per_day: float
    days_per_week: int
    duties: Literal["modified", "full"]
    starts_on: date | None = None
    ends_on: date | None = None


class RequestedAccommodation(_Part):
    category: str
    description: str


class CounterOffer(_Part):
    """What an employer offers instead of the requested accommodations or schedule."""

    description: str
    accommodations: list[RequestedAccommodation] = []
    schedule: list[ScheduleWeek] = []  # may add or drop weeks against the request's
    schedule_start_date: date | None = None  # when week 1 would start instead (None: as requested)


class JobDemand(_Part):
    """One physical demand of the worker's job (the case's essential functions), on the demand scale.
    Not clinical: what the job asks, which workplan compares the worker's capacity with."""

    demand: str
    frequency: str
    load_kg: float | None = None
    duration_min: float | None = None
    essential_function: str | None = None


class Job(_Part):
    """What the job demands and its usual hours (no title, no employer detail beyond the ids)."""

    hours_per_day: float | None = None
    days_per_week: int | None = None
    dot_strength_level: str | None = None
    demands: list[JobDemand] = []


class Consents(_Part):
    """What the worker agreed to share (docs/domain/consent.md). Both default to granted, as at intake."""

    share_restrictions_with_employer: bool = True
    share_status_with_insurer: bool = True


class CaseSnapshot(_Part):
    """Who is involved in a case and what the worker consented to, as of intake's `version` of it.
    Every intake event carries one, so any of them can create or refresh another service's copy,
    and a copy keeps whichever snapshot has the highest version (rtw_shared.case_copy)."""

    version: int
    reference: str
    status: str
    clinic_org_id: str
    employer_org_id: str
    insurer_org_id: str
    therapist_id: str
    therapist_email: str | None = None
    consents: Consents = Consents()
    # The insurer's own key for the claim: notify's webhooks to the insurer carry it (the role view
    # leaves it out for anyone else).
    claim_number: str | None = None


class Capacity(_Part):
    """What the worker managed at an assessment, on the demand scale."""

    demand: str
    frequency: str | None = None
    load_kg: float | None = None
    duration_min: float | None = None


class CopmItem(_Part):
    """A Canadian Occupational Performance Measure problem, rated 1-10."""

    problem: str
    importance: int
    performance: int
    satisfaction: int


class CaseEvent(EventPayload):
    """An intake event: it carries the case snapshot after the change (optional for compatibility
    with events written before the snapshot existed)."""

    case: CaseSnapshot | None = None


# --- intake.case.v1 ------------------------------------------------------------------------
class CaseCreatedV1(CaseEvent):
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
    # The job's demands and hours: workplan's job match and publication checks compare with them.
    job: Job | None = None


class CaseSharedWithEmployerV1(CaseEvent):
    """What the employer may know of a case (the worker consented): name and job, no more.
    Kept apart from `case.created` so identity travels only to the one consumer entitled to it."""

    TYPE: ClassVar[str] = "rtw.case.shared_with_employer.v1"
    TOPIC: ClassVar[topics.Topic] = topics.CASE

    employer_org_id: str
    worker_name: str
    job_title: str


class CaseStatusChangedV1(CaseEvent):
    """The case moved in its status machine (withdrawn and closed end the work of every service)."""

    TYPE: ClassVar[str] = "rtw.case.status_changed.v1"
    TOPIC: ClassVar[topics.Topic] = topics.CASE

    from_status: str
    to_status: str
    reason: str | None = None


class CaseConsentChangedV1(CaseEvent):
    """The worker granted or withdrew a consent. Ids and flags only; the snapshot has the new consents."""

    TYPE: ClassVar[str] = "rtw.case.consent_changed.v1"
    TOPIC: ClassVar[topics.Topic] = topics.CASE

    consent: Literal["share_restrictions_with_employer", "share_status_with_insurer"]
    granted: bool
    changed_by: str


class CaseAssessedV1(CaseEvent):
    """A therapist recorded an assessment: the baseline the case's plan starts from (capacities, grip,
    pain before treatment, COPM). Clinical on purpose and for one consumer: workplan, the therapist's
    own plan. Never subscribable by webhook; no other service copies it."""

    TYPE: ClassVar[str] = "rtw.case.assessed.v1"
    TOPIC: ClassVar[topics.Topic] = topics.CASE

    assessment_id: uuid.UUID
    assessed_on: date
    capacities: list[Capacity] = []
    grip_kg_left: float | None = None
    grip_kg_right: float | None = None
    pain_nrs: int | None = None
    copm: list[CopmItem] = []


class CaseRestrictionsChangedV1(CaseEvent):
    """The case's restrictions were replaced (the whole list, with their dates): a new draft plan starts
    from them."""

    TYPE: ClassVar[str] = "rtw.case.restrictions_changed.v1"
    TOPIC: ClassVar[topics.Topic] = topics.CASE

    restrictions: list[Restriction]


class CaseRtwDateChangedV1(CaseEvent):
    """The projected return-to-work date of the case moved by a day or more (from the plan's
    progress or a new plan version): what the insurer plans its reserves on. `reason` says why in
    plain words, never clinical detail."""

    TYPE: ClassVar[str] = "rtw.case.rtw_date_changed.v1"
    TOPIC: ClassVar[topics.Topic] = topics.CASE

    from_date: date | None = None
    to_date: date | None = None
    reason: str


# Every intake event, each carrying the case's snapshot: a service that keeps a copy of the case applies
# them all (a new one is copied without code changes there).
INTAKE_EVENTS: tuple[type[CaseEvent], ...] = (
    CaseCreatedV1,
    CaseSharedWithEmployerV1,
    CaseStatusChangedV1,
    CaseConsentChangedV1,
    CaseAssessedV1,
    CaseRestrictionsChangedV1,
    CaseRtwDateChangedV1,
)


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
    # The day week 1 of the graduated schedule begins (week n starts 7 * (n - 1) days later), and
    # the plan's next clinical review: the dates notify's and workplan's timers wait for.
    schedule_start_date: date | None = None
    next_review_date: date | None = None
    # A revision supersedes `supersedes_version`; whether what the employer is asked for changed
    # since that version (the employer opens a new accommodation request only when one is True).
    # A first version: both True when it requests anything.
    supersedes_version: int | None = None
    accommodations_changed: bool | None = None
    schedule_changed: bool | None = None
    # When the worker's capacity is projected to meet the job's demands (workplan's trend).
    projected_readiness_date: date | None = None
    # Week 1 of the phases (the treatment's first day).
    start_date: date | None = None
    # Set when this version is what the therapist and the employer agreed (an accepted
    # counter-proposal on that request): the employer links it to the request, asks nothing again.
    agreed_accommodation_id: uuid.UUID | None = None


class PlanScheduleWeekStartedV1(EventPayload):
    """A week of a published plan's graduated schedule began (fired by workplan's durable timer on
    `schedule_start_date + 7 * (week - 1)`): intake moves the case to `modified_duty` / `full_duty`,
    notify tells the employer what this week looks like."""

    TYPE: ClassVar[str] = "rtw.plan.schedule_week_started.v1"
    TOPIC: ClassVar[topics.Topic] = topics.PLAN

    plan_id: uuid.UUID
    version: int
    employer_org_id: str
    week: int
    starts_on: date
    hours_per_day: float
    days_per_week: int
    duties: Literal["modified", "full"]


class PlanCancelledV1(EventPayload):
    """A plan ended without being completed (the case was withdrawn or closed, or the therapist cancelled it)."""

    TYPE: ClassVar[str] = "rtw.plan.cancelled.v1"
    TOPIC: ClassVar[topics.Topic] = topics.PLAN

    plan_id: uuid.UUID
    version: int
    reason: str


class PlanRevisedV1(EventPayload):
    """A therapist opened a new draft version of a published plan (publishing it supersedes the previous
    version). For external subscribers; no RTW service consumes it."""

    TYPE: ClassVar[str] = "rtw.plan.revised.v1"
    TOPIC: ClassVar[topics.Topic] = topics.PLAN

    plan_id: uuid.UUID
    version: int
    previous_plan_id: uuid.UUID
    previous_version: int


class PlanCompletedV1(EventPayload):
    """The therapist completed the plan: the treatment ended as planned."""

    TYPE: ClassVar[str] = "rtw.plan.completed.v1"
    TOPIC: ClassVar[topics.Topic] = topics.PLAN

    plan_id: uuid.UUID
    version: int
    completed_at: datetime


class PlanSessionLoggedV1(EventPayload):
    """A treatment session was recorded, or corrected (`revision` > 1). Dosage facts only: never pain,
    effort, notes or what was achieved."""

    TYPE: ClassVar[str] = "rtw.plan.session_logged.v1"
    TOPIC: ClassVar[topics.Topic] = topics.PLAN

    plan_id: uuid.UUID
    version: int
    session_id: uuid.UUID
    revision: int
    session_date: date
    attendance: Literal["attended", "cancelled", "no_show"]
    minutes: int
    work_simulation: bool


class PlanProgressChangedV1(EventPayload):
    """The plan's computed progress after a session, a review or publication: the numbers the insurer's
    status shows (intake keeps the newest by `computed_at`). Shares 0..1; null when not computable yet."""

    TYPE: ClassVar[str] = "rtw.plan.progress_changed.v1"
    TOPIC: ClassVar[topics.Topic] = topics.PLAN

    plan_id: uuid.UUID
    version: int
    computed_at: datetime
    sessions_attended: int
    adherence: float | None = None
    minutes_adherence: float | None = None
    job_match: float | None = None
    demands_met: int = 0
    demands_total: int = 0
    dot_strength_level_reached: str | None = None
    gas_t_score: float | None = None
    projected_readiness_date: date | None = None
    projected_rtw_date: date | None = None
    cost_projected: float | None = None
    cost_actual: float | None = None


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
    # A counter-proposal's offer, as the employer wrote it (what the therapist's email shows).
    counter: CounterOffer | None = None
    # True when the therapist accepted the employer's counter-proposal: the request is confirmed
    # with the counter as what was agreed (decided_by is then the therapist).
    counter_accepted: bool = False


class AccommodationExpiredV1(EventPayload):
    """The due date passed with no decision: the request is `expired` (notify escalates to the
    therapist and the insurer)."""

    TYPE: ClassVar[str] = "rtw.accommodation.expired.v1"
    TOPIC: ClassVar[topics.Topic] = topics.ACCOMMODATION

    accommodation_id: uuid.UUID
    employer_org_id: str
    due_date: date
    expired_at: datetime


class AccommodationWithdrawnV1(EventPayload):
    """An open request was withdrawn: its case was withdrawn or closed, or a newer version of the plan
    replaced it, so the employer can no longer decide it."""

    TYPE: ClassVar[str] = "rtw.accommodation.withdrawn.v1"
    TOPIC: ClassVar[topics.Topic] = topics.ACCOMMODATION

    accommodation_id: uuid.UUID
    employer_org_id: str
    reason: str
    # Set when a newer version of the case's plan replaced the request (the version that did).
    replaced_by_version: int | None = None


# --- notify.delivery.v1 --------------------------------------------------------------------
class NotificationDeliveredV1(EventPayload):
    """A notification left notify: an email accepted by the SMTP server, or a webhook delivery a receiver
    answered with 2xx (`notification_id` is then the delivery's id). No RTW service consumes it: it is for
    delivery reporting; it is not itself subscribable by webhook (it would announce its own deliveries)."""

    TYPE: ClassVar[str] = "rtw.notification.delivered.v1"
    TOPIC: ClassVar[topics.Topic] = topics.DELIVERY

    notification_id: uuid.UUID
    channel: Literal["in_app", "email", "webhook"]
    trigger_event_type: str
