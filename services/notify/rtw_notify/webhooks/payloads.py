"""What a webhook carries: the event as a structured-mode CloudEvent (JSON), holding only what the
subscribing organisation may see — the same role view the API's read models are built from
(rtw_shared.role_view), on notify's copy of the case, as of the moment of sending.

Each event type has a rule: the part of the case an organisation must be allowed to see to receive
the event at all, and for each data field the role-view field it reveals (so `job_title` reaches an
employer, never an insurer, exactly as in the API). Fields without a rule are dropped: a new field
reaches subscribers only once someone has decided which field of the view it is. Event types
without a rule (a new event in the catalogue) are delivered with their ids only, under the part
their topic is about.

Every payload also says which case it is about in the receiver's own terms, from notify's copy of
the case as of sending: its `reference`, and — for the insurer, whose key it is — its `claim_number`
(the role view's claim number: the insurer's, never the employer's)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import TypedDict

from rtw_shared import access, topics
from rtw_shared.access import Part
from rtw_shared.auth import Principal
from rtw_shared.events import CaseAssessedV1, EventPayload, registry
from rtw_shared.role_view import ALWAYS, Field, role_view

SPEC_VERSION = "1.0"
# Identifiers every receiver may have: they say which thing an event is about, nothing about the worker.
ID_FIELDS = dict.fromkeys(
    ("case_id", "plan_id", "accommodation_id", "version", "plan_version", "employer_org_id"), ALWAYS
)
# Types that are about notify's own deliveries: delivering them by webhook would announce itself forever.
NOT_SUBSCRIBABLE_TOPICS = frozenset({topics.DELIVERY.name})
# The assessment is the therapist's baseline for workplan, clinical through and through: no organisation
# subscribes to it, not even to learn that one happened.
NOT_SUBSCRIBABLE_TYPES = frozenset({CaseAssessedV1.TYPE})
# What every payload may say of its case, from notify's copy: keys and the field of the view each reveals.
CASE_FIELDS = {"reference": Field.REFERENCE, "claim_number": Field.CLAIM_NUMBER}
PART_OF_TOPIC = {
    topics.CASE.name: Part.CASE,
    topics.PLAN.name: Part.PROGRESS,
    topics.ACCOMMODATION.name: Part.ACCOMMODATION,
}


@dataclass(frozen=True)
class Rule:
    part: Part
    fields: Mapping[str, Field] = field(default_factory=dict)


def _same(reveals: Field, *names: str) -> dict[str, Field]:
    return dict.fromkeys(names, reveals)


RULES: dict[str, Rule] = {
    "rtw.case.created.v1": Rule(Part.CASE, _same(Field.REFERENCE, "reference", "status")),
    "rtw.case.status_changed.v1": Rule(Part.CASE, _same(Field.REFERENCE, "from_status", "to_status")),
    "rtw.case.consent_changed.v1": Rule(Part.CASE, _same(Field.REFERENCE, "consent", "granted")),
    # The projected return-to-work date is plan progress, as on the insurer's status view: the employer,
    # which the access table keeps from progress, never receives it (the schedule's dates tell it when).
    "rtw.case.rtw_date_changed.v1": Rule(Part.PROGRESS, _same(Field.PROGRESS, "from_date", "to_date", "reason")),
    "rtw.case.shared_with_employer.v1": Rule(
        Part.IDENTITY, {"worker_name": Field.WORKER_NAME, "job_title": Field.JOB_TITLE}
    ),
    "rtw.plan.published.v1": Rule(
        Part.RESTRICTIONS,
        {
            **_same(
                Field.RESTRICTIONS,
                "published_at",
                "restrictions",
                "supersedes_version",
                "accommodations_changed",
            ),
            **_same(Field.SCHEDULE, "schedule", "schedule_start_date", "schedule_changed"),
            **_same(Field.PROGRESS, "projected_rtw_date", "next_review_date", "projected_readiness_date"),
            "projected_cost": Field.COST,
            # The insurer sees accommodation requests' status only, not what was asked for.
            "accommodations": Field.ACCOMMODATION_DETAIL,
        },
    ),
    "rtw.plan.schedule_week_started.v1": Rule(
        Part.RESTRICTIONS, _same(Field.SCHEDULE, "week", "starts_on", "hours_per_day", "days_per_week", "duties")
    ),
    "rtw.plan.cancelled.v1": Rule(Part.PROGRESS),  # its reason is free text a therapist wrote: not sent
    "rtw.plan.revised.v1": Rule(Part.PROGRESS, _same(Field.PROGRESS, "previous_plan_id", "previous_version")),
    "rtw.plan.completed.v1": Rule(Part.PROGRESS, _same(Field.PROGRESS, "completed_at")),
    "rtw.plan.session_logged.v1": Rule(
        Part.PROGRESS,
        _same(Field.PROGRESS, "session_id", "revision", "session_date", "attendance", "minutes", "work_simulation"),
    ),
    "rtw.plan.progress_changed.v1": Rule(
        Part.PROGRESS,
        {
            **_same(
                Field.PROGRESS,
                "computed_at",
                "sessions_attended",
                "adherence",
                "minutes_adherence",
                "gas_t_score",
                "projected_readiness_date",
                "projected_rtw_date",
            ),
            **_same(Field.JOB_MATCH, "job_match", "demands_met", "demands_total", "dot_strength_level_reached"),
            **_same(Field.COST, "cost_projected", "cost_actual"),
        },
    ),
    "rtw.accommodation.requested.v1": Rule(Part.ACCOMMODATION, _same(Field.ACCOMMODATION_STATUS, "due_date")),
    "rtw.accommodation.decided.v1": Rule(
        Part.ACCOMMODATION,
        {
            **_same(Field.ACCOMMODATION_STATUS, "decision", "decided_at", "counter_accepted"),
            **_same(Field.ACCOMMODATION_DETAIL, "counter", "attestation_sha256"),
        },
    ),
    "rtw.accommodation.expired.v1": Rule(
        Part.ACCOMMODATION, _same(Field.ACCOMMODATION_STATUS, "due_date", "expired_at")
    ),
    # Its reason may say why the case ended: not sent. Whether a newer plan version replaced it is.
    "rtw.accommodation.withdrawn.v1": Rule(Part.ACCOMMODATION, {"replaced_by_version": Field.ACCOMMODATION_STATUS}),
}


def subscribable_types() -> list[str]:
    """Every event type in the catalogue an organisation may subscribe to (new ones included)."""
    return sorted(
        t
        for t, model in registry.items()
        if model.TOPIC.name not in NOT_SUBSCRIBABLE_TOPICS and t not in NOT_SUBSCRIBABLE_TYPES
    )


def rule_for(event_type: str) -> Rule:
    """The rule of `event_type`; a type without one is delivered with its ids only."""
    if event_type in RULES:
        return RULES[event_type]
    model: type[EventPayload] | None = registry.get(event_type)
    return Rule(PART_OF_TOPIC.get(model.TOPIC.name, Part.CASE) if model else Part.CASE)


def reader(org_id: str, role: str, webhook_id: str) -> Principal:
    """The subscription as a reader of the case: its organisation in its role."""
    return access.organisation(org_id, role, subject=f"webhook:{webhook_id}")


def may_receive(who: Principal, case: object | None, event_type: str) -> bool:
    """Whether the organisation may receive `event_type` about `case` (a case copy; None: not known) at all (now)."""
    return access.may_see(who, case, rule_for(event_type).part)


def visible_data(who: Principal, case: object | None, event_type: str, data: Mapping[str, object]) -> dict[str, object]:
    """The event's data, with what the copy says of its case (CASE_FIELDS), cut to `who`'s role view of
    `case`: ids, the case's reference and claim number as the view shows them, and each field its rule
    maps to a field of the view."""
    facts = {key: getattr(case, key, None) for key in CASE_FIELDS}
    known = {**data, **{key: value for key, value in facts.items() if value is not None}}
    return role_view(who, case).cut(known, {**ID_FIELDS, **CASE_FIELDS, **rule_for(event_type).fields})


@dataclass(frozen=True)
class StoredEvent:
    id: str
    type: str
    source: str
    time: datetime
    case_id: str
    data: Mapping[str, object]


class CloudEvent(TypedDict):
    """A structured-mode CloudEvent, as a webhook's body carries it."""

    specversion: str
    id: str
    source: str
    type: str
    time: str
    subject: str
    datacontenttype: str
    data: dict[str, object]


def cloud_event(who: Principal, case: object | None, event: StoredEvent) -> CloudEvent | None:
    """The structured CloudEvent `who` receives for `event` (None: it may not receive it now)."""
    if not may_receive(who, case, event.type):
        return None
    return {
        "specversion": SPEC_VERSION,
        "id": event.id,
        "source": event.source,
        "type": event.type,
        "time": event.time.isoformat(),
        "subject": event.case_id,
        "datacontenttype": "application/json",
        "data": visible_data(who, case, event.type, event.data),
    }
