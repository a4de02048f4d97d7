"""The plan's projections: pure arithmetic, no I/O."""

from rtw_workplan.plans.schemas import PhaseIn
from rtw_workplan.rules.projections import FeeSchedule, actual_cost, planned_sessions, projected_cost


def phase(start: int, end: int, per_week: int) -> PhaseIn:
    return PhaseIn(name="p", start_week=start, end_week=end, sessions_per_week=per_week, minutes_per_session=60)


def test_sessions_count_every_week_of_each_phase_inclusively():
    assert planned_sessions([phase(1, 2, 3), phase(3, 3, 2), phase(4, 7, 0)]) == 8


def test_cost_is_one_evaluation_plus_every_planned_session_at_the_default_fees():
    assert projected_cost([phase(1, 2, 3)], FeeSchedule()) == 175.0 + 6 * 120.0


def test_cost_uses_the_configured_fee_schedule():
    fees = FeeSchedule(evaluation=150.0, session=40.5)
    assert projected_cost([phase(1, 4, 2), phase(5, 6, 1)], fees) == 150.0 + 10 * 40.5


def test_a_plan_without_phases_costs_the_evaluation():
    assert projected_cost([], FeeSchedule()) == 175.0


def test_actual_cost_bills_the_evaluation_and_each_attended_session():
    assert actual_cost(0, FeeSchedule()) == 175.0
    assert actual_cost(12, FeeSchedule(evaluation=150.0, session=40.5)) == 150.0 + 12 * 40.5
