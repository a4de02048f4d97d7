"""What publishing a plan involves besides its row: the context its checks run in, the acknowledgement
of warnings, the graduated schedule's timers and the event. Called by service.py within its Unit of
Work."""

from __future__ import annotations

from dataclasses import asdict, dataclass
from datetime import UTC, datetime, time
from typing import Any

from sqlalchemy.orm import Session

from rtw_shared.errors import UnprocessableError
from rtw_shared.events import PlanPublishedV1

from ..plans import repository
from ..plans.models import Plan
from ..plans.schemas import PlanContent
from ..plans.versions import changed_parts, week_starts
from ..plans.views import dated_weeks
from ..rules.checks import Context, Outcome, Problem
from ..rules.facts import PhaseFacts
from ..rules.report import Report, requirements, treatment_end


def check_context(plan: Plan, content: PlanContent, report: Report) -> Context:
    """The job, dates and readiness a plan's content is checked against at publication."""
    job = plan.case.job or {}
    therapy_start = plan.therapy_start_date or report.therapy_start
    return Context(
        job_demands=requirements(job, []) if job.get("demands") else [],
        job_hours_per_day=job.get("hours_per_day"),
        job_days_per_week=job.get("days_per_week"),
        therapy_start=therapy_start,
        schedule_start=report.schedule_start,
        treatment_ends=treatment_end(therapy_start, report_phases(content)),
        ready_on=report.readiness.ready_on,
    )


def report_phases(content: PlanContent) -> list[PhaseFacts]:
    """The content's phases as the progress rules take them."""
    return [PhaseFacts(p.start_week, p.end_week, p.sessions_per_week, p.minutes_per_session) for p in content.phases]


def as_dict(problem: Problem) -> dict[str, str]:
    return asdict(problem)


@dataclass(frozen=True)
class Acknowledger:
    """Who acknowledges the warnings of a publication, when, and on which version."""

    by: str  # a therapist's subject, or "accepted counter-proposal <id>"
    username: str | None
    at: datetime
    version: int

    def record(self, warning: Problem) -> dict[str, Any]:
        return {
            **as_dict(warning),
            "acknowledged_by": self.by,
            "acknowledged_by_username": self.username,
            "acknowledged_at": self.at.isoformat(),
            "acknowledged_on_version": self.version,
        }


def require_acknowledged(
    outcome: Outcome, acknowledged: set[str], *, earlier: list[dict[str, Any]], who: Acknowledger
) -> list[dict[str, Any]]:
    """Every warning with who acknowledged it and when: one acknowledged on the version revised (`earlier`)
    whose cause — code and message — is unchanged carries over as it was; another needs its code in
    `acknowledged`. 422 listing every hard error, or every warning still to acknowledge."""
    if outcome.errors:
        detail = "; ".join(f"{p.field}: {p.message}" for p in outcome.errors)
        raise UnprocessableError(
            f"the plan cannot be published: {detail}",
            problems=[as_dict(p) for p in outcome.errors],
            warnings=[as_dict(w) for w in outcome.warnings],
        )
    before = {(w["code"], w["message"]): w for w in earlier}
    kept: list[dict[str, Any]] = []
    missing: list[Problem] = []
    for warning in outcome.warnings:
        carried = before.get((warning.code, warning.message))
        if carried is not None:
            kept.append({**carried, "field": warning.field})
        elif warning.code in acknowledged:
            kept.append(who.record(warning))
        else:
            missing.append(warning)
    if missing:
        raise UnprocessableError(
            f"{len(missing)} clinical warning(s) to acknowledge before publishing: send their codes as `acknowledge`",
            warnings=[as_dict(w) for w in missing],
        )
    return kept


def arm_week_timers(session: Session, plan: Plan, content: PlanContent, now: datetime, *, skip: set[int]) -> None:
    """A durable timer per schedule week, firing when it begins (a week that began already fires at
    once) — except weeks the superseded version announced that have already begun."""
    schedule_start = plan.schedule_start_date
    assert schedule_start is not None  # fixed by publication before it arms the timers
    for week in content.schedule:
        starts = week_starts(schedule_start, week.week)
        if week.week in skip and starts <= now.date():
            continue
        due = datetime.combine(starts, time.min, tzinfo=UTC)
        repository.schedule_week_timer(session, plan.id, week.week, due)


def published_event(
    plan: Plan, content: PlanContent, previous: Plan | None, *, agreed: bool = False
) -> PlanPublishedV1:
    """plan.published: what the employer must accommodate, what changed, the insurer's projections; `agreed`:
    the version is what the therapist and the employer agreed (the employer asks nothing again)."""
    if previous is None:
        accommodations_changed, schedule_changed = bool(content.accommodations), bool(content.schedule)
    else:
        changed = set(changed_parts(previous.content, plan.content))
        accommodations_changed = "accommodations" in changed
        schedule_changed = bool(changed & {"schedule", "schedule_start_date"}) or (
            previous.schedule_start_date != plan.schedule_start_date
        )
    return PlanPublishedV1(
        case_id=plan.case_id,
        plan_id=plan.id,
        version=plan.version,
        employer_org_id=plan.case.employer_org_id,
        published_at=plan.published_at,
        restrictions=plan.content["restrictions"],
        schedule=dated_weeks(plan.content["schedule"], plan.schedule_start_date),
        accommodations=plan.content["accommodations"],
        projected_rtw_date=plan.projected_rtw_date,
        projected_cost=float(plan.projected_cost) if plan.projected_cost is not None else None,
        schedule_start_date=plan.schedule_start_date,
        next_review_date=plan.next_review_date,
        supersedes_version=previous.version if previous else None,
        accommodations_changed=accommodations_changed,
        schedule_changed=schedule_changed,
        projected_readiness_date=plan.projected_readiness_date,
        start_date=plan.therapy_start_date,
        agreed_accommodation_id=plan.agreed_accommodation_id if agreed else None,
    )
