"""What publishing a plan involves besides its row: the context its checks run in, the acknowledgement
of warnings, the graduated schedule's timers and the event. Called by service.py within its Unit of
Work."""

from __future__ import annotations

from dataclasses import asdict
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from sqlalchemy.orm import Session

from rtw_shared.errors import UnprocessableError
from rtw_shared.events import PlanPublishedV1

from ..plans import repository
from ..plans.models import Plan
from ..plans.schemas import PlanContent
from ..plans.versions import changed_parts, week_starts
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


def require_acknowledged(outcome: Outcome, acknowledged: list[str]) -> tuple[Problem, ...]:
    """The warnings acknowledged; 422 listing every hard error, and every warning not acknowledged."""
    missing = [w for w in outcome.warnings if w.code not in set(acknowledged)]
    if outcome.errors:
        detail = "; ".join(f"{p.field}: {p.message}" for p in outcome.errors)
        raise UnprocessableError(
            f"the plan cannot be published: {detail}",
            problems=[as_dict(p) for p in outcome.errors],
            warnings=[as_dict(w) for w in outcome.warnings],
        )
    if missing:
        raise UnprocessableError(
            f"{len(missing)} clinical warning(s) to acknowledge before publishing: send their codes as `acknowledge`",
            warnings=[as_dict(w) for w in missing],
        )
    return outcome.warnings


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


def dated_weeks(schedule: list[dict[str, Any]], schedule_start: date | None) -> list[dict[str, Any]]:
    """The graduated schedule's weeks with their first and last day, once the schedule has a start."""
    if schedule_start is None:
        return schedule
    return [
        {
            **week,
            "starts_on": (start := week_starts(schedule_start, week["week"])),
            "ends_on": start + timedelta(days=6),
        }
        for week in schedule
    ]


def published_event(plan: Plan, content: PlanContent, previous: Plan | None) -> PlanPublishedV1:
    """plan.published: what the employer must accommodate, what changed, the insurer's projections."""
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
    )
