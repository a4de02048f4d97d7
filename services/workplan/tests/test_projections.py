"""The plan's projections: pure arithmetic, no I/O."""

from datetime import date

import pytest

from rtw_workplan.plans.projections import FeeSchedule, planned_sessions, projected_cost, projected_rtw_date
from rtw_workplan.plans.schemas import PhaseIn, ScheduleWeekIn


def week(n: int) -> ScheduleWeekIn:
    return ScheduleWeekIn(week=n, hours_per_day=8, days_per_week=5, duties="full")


def phase(start: int, end: int, per_week: int) -> PhaseIn:
    return PhaseIn(name="p", start_week=start, end_week=end, sessions_per_week=per_week, minutes_per_session=60)


def test_return_date_is_the_end_of_the_last_schedule_week():
    assert projected_rtw_date(date(2026, 12, 1), [week(1), week(2), week(3)]) == date(2026, 12, 22)


def test_return_date_follows_the_last_week_even_with_gaps():
    assert projected_rtw_date(date(2026, 12, 28), [week(1), week(6)]) == date(2027, 2, 8)


def test_no_schedule_has_no_return_date():
    with pytest.raises(ValueError, match="at least one week"):
        projected_rtw_date(date(2026, 12, 1), [])


def test_sessions_count_every_week_of_each_phase_inclusively():
    assert planned_sessions([phase(1, 2, 3), phase(3, 3, 2), phase(4, 7, 0)]) == 8


def test_cost_is_one_evaluation_plus_every_planned_session_at_the_default_fees():
    assert projected_cost([phase(1, 2, 3)], FeeSchedule()) == 175.0 + 6 * 120.0


def test_cost_uses_the_configured_fee_schedule():
    fees = FeeSchedule(evaluation=150.0, session=40.5)
    assert projected_cost([phase(1, 4, 2), phase(5, 6, 1)], fees) == 150.0 + 10 * 40.5


def test_a_plan_without_phases_costs_the_evaluation():
    assert projected_cost([], FeeSchedule()) == 175.0
