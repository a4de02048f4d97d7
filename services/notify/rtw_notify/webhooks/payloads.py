"""What a webhook carries: the event as a structured-mode CloudEvent (JSON), holding only what the
subscribing organisation may see — decided by the shared consent decision (rtw_shared.access) on
notify's copy of the case, as of the moment of sending.

Each event type has a rule: the part of the case an organisation must be allowed to see to receive
the event at all, and for each data field the part it reveals (and, where the product spec narrows
a part per role, the roles that may see it). Fields without a rule are dropped: a new field reaches
subscribers only once someone has decided who may see it. Event types without a rule (a new event
in the catalogue) are delivered with their ids only, under the part their topic is about."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime

from rtw_shared import access, topics
from rtw_shared.access import Part
from rtw_shared.auth import Principal
from rtw_shared.events import EventPayload, registry

SPEC_VERSION = "1.0"
# Identifiers every receiver may have: they say which thing an event is about, nothing about the worker.
ID_FIELDS = frozenset({"case_id", "plan_id", "accommodation_id", "version", "plan_version", "employer_org_id"})
# Types that are about notify's own deliveries: delivering them by webhook would announce itself forever.
NOT_SUBSCRIBABLE_TOPICS = frozenset({topics.DELIVERY.name})
PART_OF_TOPIC = {
    topics.CASE.name: Part.CASE,
    topics.PLAN.name: Part.PROGRESS,
    topics.ACCOMMODATION.name: Part.ACCOMMODATION,
}
EMPLOYER_ONLY = frozenset({"employer"})


@dataclass(frozen=True)
class Reveal:
    """A field reveals `part`; only `roles` (None: any role that may see the part) receive it."""

    part: Part
    roles: frozenset[str] | None = None


@dataclass(frozen=True)
class Rule:
    part: Part
    fields: Mapping[str, Reveal] = field(default_factory=dict)


def _same(part: Part, *names: str) -> dict[str, Reveal]:
    return dict.fromkeys(names, Reveal(part))


RULES: dict[str, Rule] = {
    "rtw.case.created.v1": Rule(Part.CASE, _same(Part.CASE, "reference", "status")),
    "rtw.case.status_changed.v1": Rule(Part.CASE, _same(Part.CASE, "from_status", "to_status")),
    "rtw.case.consent_changed.v1": Rule(Part.CASE, _same(Part.CASE, "consent", "granted")),
    "rtw.case.shared_with_employer.v1": Rule(Part.IDENTITY, _same(Part.IDENTITY, "worker_name", "job_title")),
    "rtw.plan.published.v1": Rule(
        Part.RESTRICTIONS,
        {
            **_same(
                Part.RESTRICTIONS,
                "published_at",
                "restrictions",
                "schedule",
                "schedule_start_date",
                "supersedes_version",
                "accommodations_changed",
                "schedule_changed",
            ),
            **_same(Part.PROGRESS, "projected_rtw_date", "next_review_date", "projected_readiness_date"),
            "projected_cost": Reveal(Part.COST),
            # The insurer sees accommodation requests' status only, not what was asked for.
            "accommodations": Reveal(Part.ACCOMMODATION, EMPLOYER_ONLY),
        },
    ),
    "rtw.plan.schedule_week_started.v1": Rule(
        Part.RESTRICTIONS, _same(Part.RESTRICTIONS, "week", "starts_on", "hours_per_day", "days_per_week", "duties")
    ),
    "rtw.plan.cancelled.v1": Rule(Part.PROGRESS),  # its reason is free text a therapist wrote: not sent
    "rtw.plan.revised.v1": Rule(Part.PROGRESS, _same(Part.PROGRESS, "previous_plan_id", "previous_version")),
    "rtw.plan.completed.v1": Rule(Part.PROGRESS, _same(Part.PROGRESS, "completed_at")),
    "rtw.plan.session_logged.v1": Rule(
        Part.PROGRESS,
        _same(Part.PROGRESS, "session_id", "revision", "session_date", "attendance", "minutes", "work_simulation"),
    ),
    "rtw.plan.progress_changed.v1": Rule(
        Part.PROGRESS,
        {
            **_same(
                Part.PROGRESS,
                "computed_at",
                "sessions_attended",
                "adherence",
                "minutes_adherence",
                "job_match",
                "demands_met",
                "demands_total",
                "dot_strength_level_reached",
                "gas_t_score",
                "projected_readiness_date",
                "projected_rtw_date",
            ),
            **_same(Part.COST, "cost_projected", "cost_actual"),
        },
    ),
    "rtw.accommodation.requested.v1": Rule(Part.ACCOMMODATION, _same(Part.ACCOMMODATION, "due_date")),
    "rtw.accommodation.decided.v1": Rule(
        Part.ACCOMMODATION,
        {
            **_same(Part.ACCOMMODATION, "decision", "decided_at", "counter_accepted"),
            "counter": Reveal(Part.ACCOMMODATION, EMPLOYER_ONLY),
            "attestation_sha256": Reveal(Part.ACCOMMODATION, EMPLOYER_ONLY),
        },
    ),
    "rtw.accommodation.expired.v1": Rule(Part.ACCOMMODATION, _same(Part.ACCOMMODATION, "due_date", "expired_at")),
    "rtw.accommodation.withdrawn.v1": Rule(Part.ACCOMMODATION),  # its reason may say why the case ended: not sent
}


def subscribable_types() -> list[str]:
    """Every event type in the catalogue an organisation may subscribe to (new ones included)."""
    return sorted(t for t, model in registry.items() if model.TOPIC.name not in NOT_SUBSCRIBABLE_TOPICS)


def rule_for(event_type: str) -> Rule:
    """The rule of `event_type`; a type without one is delivered with its ids only."""
    if event_type in RULES:
        return RULES[event_type]
    model: type[EventPayload] | None = registry.get(event_type)
    return Rule(PART_OF_TOPIC.get(model.TOPIC.name, Part.CASE) if model else Part.CASE)


def reader(org_id: str, role: str, webhook_id: str) -> Principal:
    """The subscription as a caller of the shared consent decision: its organisation in its role."""
    return Principal(subject=f"webhook:{webhook_id}", username="webhook", roles=frozenset({role}), org_id=org_id)


def may_receive(who: Principal, case, event_type: str) -> bool:
    """Whether the organisation may receive `event_type` about `case` at all (now)."""
    return access.may_see(who, case, rule_for(event_type).part)


def visible_data(who: Principal, case, event_type: str, data: Mapping) -> dict:
    """The event's data cut to what `who` may see of `case` (ids, and each field its rule allows)."""
    rule = rule_for(event_type)
    kept = {}
    for name, value in data.items():
        if name in ID_FIELDS or _may_have(who, case, rule.fields.get(name)):
            kept[name] = value
    return kept


def _may_have(who: Principal, case, reveal: Reveal | None) -> bool:
    if reveal is None or (reveal.roles is not None and not who.roles & reveal.roles):
        return False
    return access.may_see(who, case, reveal.part)


@dataclass(frozen=True)
class StoredEvent:
    id: str
    type: str
    source: str
    time: datetime
    case_id: str
    data: Mapping


def cloud_event(who: Principal, case, event: StoredEvent) -> dict | None:
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
