"""What needs the therapist next, case by case (the caseload's last column): a review due, an employer's
counter-proposal or an unanswered request, sessions behind plan, readiness slipping, a plan still to
publish, unread notifications — each in words, with how pressing it is and where to act. Pure: the facts
come from workplan's own plans and progress (caseload.plan_facts) and the services' APIs."""

from __future__ import annotations

import uuid
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from .wording import count, short_date

ENDED = frozenset({"closed", "withdrawn"})
SOON_DAYS = 3  # a review this close is worth seeing on the caseload
TONE_ORDER = {"urgent": 0, "soon": 1, "info": 2}


@dataclass(frozen=True)
class PlanFacts:
    """One open plan version, as the caseload needs it (readiness and sessions only for the one in force)."""

    plan_id: uuid.UUID
    version: int
    status: str  # draft | published
    next_review_date: date | None = None
    sessions_behind: int = 0
    readiness_planned: date | None = None
    readiness_now: date | None = None


@dataclass(frozen=True)
class Need:
    """Something that needs the therapist: the words, how pressing (`urgent`, `soon`, `info`), where to act."""

    words: str
    tone: str
    href: str


def needs_of(
    case: Mapping[str, Any],
    *,
    plans: Sequence[PlanFacts],
    requests: Sequence[Mapping[str, Any]],
    unread: int,
    today: date,
    mount: str,
) -> list[Need]:
    """Everything that needs the therapist on this case, most pressing first."""
    case_page = f"{mount}/cases/{case['id']}"
    found: list[Need] = []
    if case.get("status") not in ENDED:
        in_force = next((p for p in plans if p.status == "published"), None)
        found += _plan_needs(plans, in_force, today, mount)
        versions = {str(p.plan_id) for p in plans}
        found += _request_needs([r for r in requests if str(r.get("plan_id")) in versions], today, case_page)
    if unread:
        found.append(Need(f"{count(unread, 'unread notification')}", "info", f"{mount}/inbox?unread=true"))
    return sorted(found, key=lambda need: TONE_ORDER[need.tone])


def _plan_needs(plans: Sequence[PlanFacts], in_force: PlanFacts | None, today: date, mount: str) -> list[Need]:
    draft = next((p for p in plans if p.status == "draft"), None)
    if in_force is None:
        return (
            [Need(f"Plan to publish (draft version {draft.version})", "soon", f"{mount}/plans/{draft.plan_id}")]
            if draft
            else []
        )
    found = []
    plan_page = f"{mount}/plans/{in_force.plan_id}"
    review = in_force.next_review_date
    if review is not None and review <= today + timedelta(days=SOON_DAYS):
        late = (today - review).days
        if late > 0:
            found.append(Need(f"Review overdue by {count(late, 'day')}", "urgent", plan_page))
        else:
            when = "today" if late == 0 else f"on {short_date(review)}"
            found.append(Need(f"Review due {when}", "urgent" if late == 0 else "soon", plan_page))
    if in_force.sessions_behind:
        found.append(Need(f"{count(in_force.sessions_behind, 'session')} behind plan", "soon", plan_page))
    planned, now = in_force.readiness_planned, in_force.readiness_now
    if planned and now and now > planned:
        found.append(
            Need(f"Readiness slipping: now {short_date(now)}, planned {short_date(planned)}", "soon", plan_page)
        )
    return found


def _request_needs(requests: Sequence[Mapping[str, Any]], today: date, case_page: str) -> list[Need]:
    found = []
    for request in requests:
        status, due = request.get("status"), _date(request.get("due_date"))
        if status == "countered":
            found.append(
                Need("Employer counter-proposed: accept it or revise the plan", "urgent", f"{case_page}#accommodations")
            )
        elif status == "expired" or (status == "requested" and due is not None and due < today):
            when = f" (due {short_date(due)})" if due else ""
            found.append(Need(f"Accommodation request unanswered{when}", "urgent", f"{case_page}#accommodations"))
    return found


def _date(value: object) -> date | None:
    if isinstance(value, date):
        return value
    return date.fromisoformat(value) if isinstance(value, str) and value else None
