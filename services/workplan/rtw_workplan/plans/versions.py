"""What a plan's versions mean beyond their rows: which parts of the content changed between two
versions, and when a week of the graduated schedule begins (and the event that announces it, fired
by the schedule-week timer in handlers.py). Publication (publication/) builds on these."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from rtw_shared.events import PlanScheduleWeekStartedV1

from .models import Plan
from .schemas import PlanContent

CONTENT_PARTS = (
    "goals",
    "phases",
    "schedule",
    "restrictions",
    "accommodations",
    "start_date",
    "schedule_start_date",
    "next_review_date",
)


def changed_parts(before: dict[str, Any], after: dict[str, Any]) -> list[str]:
    """The parts of a plan's content that differ between two versions."""
    return [part for part in CONTENT_PARTS if before.get(part) != after.get(part)]


def week_starts(schedule_start: date, week: int) -> date:
    """Week n of the graduated schedule begins 7 x (n - 1) days after week 1."""
    return schedule_start + timedelta(days=7 * (week - 1))


def week_started_event(plan: Plan, week: int) -> PlanScheduleWeekStartedV1 | None:
    """schedule_week_started for week `week` of `plan` (None if the plan has no such week)."""
    content = PlanContent.model_validate(plan.content)
    found = next((w for w in content.schedule if w.week == week), None)
    if found is None or plan.schedule_start_date is None:
        return None
    return PlanScheduleWeekStartedV1(
        case_id=plan.case_id,
        plan_id=plan.id,
        version=plan.version,
        employer_org_id=plan.case.employer_org_id,
        week=week,
        starts_on=week_starts(plan.schedule_start_date, week),
        hours_per_day=found.hours_per_day,
        days_per_week=found.days_per_week,
        duties=found.duties,
    )
