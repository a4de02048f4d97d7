"""GAS T-score and COPM change: pure arithmetic, checked against values computed by hand from the
published methods (sources in each test), plus properties that must hold for any input."""

from __future__ import annotations

import math

import pytest
from hypothesis import given
from hypothesis import strategies as st

from rtw_workplan.rules.scores import copm_change, copm_scores, gas_t_score

# Kiresuk TJ, Sherman RE. Goal attainment scaling: a general method for evaluating comprehensive
# community mental health programs. Community Ment Health J 1968;4:443-53 — and its use in
# rehabilitation, Turner-Stokes L. Goal attainment scaling (GAS) in rehabilitation: a practical
# guide. Clin Rehabil 2009;23:362-70 (with the erratum correcting its formulas):
#   T = 50 + 10·Σwx / √((1-rho)Σw² + rho(Σw)²), rho = 0.3.


def test_three_unweighted_goals_all_one_better_than_expected():
    # By hand: Σwx = 3; Σw² = 3; (Σw)² = 9; √(0.7·3 + 0.3·9) = √4.8 = 2.19089; 50 + 30 / 2.19089 = 63.693.
    assert gas_t_score([(1, 1), (1, 1), (1, 1)]) == 63.69


def test_four_unweighted_goals_all_at_the_baseline_minus_one():
    # Turner-Stokes' convention: goals start at -1 ("baseline"), so the score before treatment is below 50.
    # By hand: Σwx = -4; √(0.7·4 + 0.3·16) = √7.6 = 2.75681; 50 - 40 / 2.75681 = 35.490.
    assert gas_t_score([(1, -1)] * 4) == 35.49


def test_weighted_goals_importance_times_difficulty():
    # Turner-Stokes 2009 weights each goal by importance x difficulty. Three goals weighted 6, 4 and 2
    # (e.g. 3x2, 2x2, 2x1), attained +1, 0 and -1. By hand: Σwx = 6 - 2 = 4; Σw² = 36 + 16 + 4 = 56;
    # (Σw)² = 144; √(0.7·56 + 0.3·144) = √(39.2 + 43.2) = √82.4 = 9.07744; 50 + 40 / 9.07744 = 54.407.
    assert gas_t_score([(6, 1), (4, 0), (2, -1)]) == 54.41


def test_the_extremes_of_one_goal():
    # One goal: √(0.7 + 0.3) = 1, so T = 50 + 10x: 30 at -2 and 70 at +2.
    assert (gas_t_score([(1, -2)]), gas_t_score([(1, 2)])) == (30.0, 70.0)


@given(st.lists(st.tuples(st.integers(1, 12), st.integers(-2, 2)), min_size=1, max_size=10))
def test_every_goal_as_expected_is_fifty_and_scores_are_symmetric(goals):
    assert gas_t_score([(w, 0) for w, _ in goals]) == 50.0
    mirrored = gas_t_score([(w, -x) for w, x in goals])
    assert math.isclose(gas_t_score(goals) - 50, 50 - mirrored, abs_tol=0.011)


@given(st.lists(st.tuples(st.integers(1, 12), st.integers(-2, 1)), min_size=1, max_size=10), st.data())
def test_attaining_more_on_any_goal_never_lowers_the_score(goals, data):
    i = data.draw(st.integers(0, len(goals) - 1))
    better = list(goals)
    better[i] = (goals[i][0], goals[i][1] + 1)
    assert gas_t_score(better) > gas_t_score(goals)


def test_scores_outside_minus_two_to_two_or_without_weight_are_refused():
    with pytest.raises(ValueError, match="-2 to \\+2"):
        gas_t_score([(1, 3)])
    with pytest.raises(ValueError, match="not all zero"):
        gas_t_score([(0, 1)])


# COPM: Law M, Baptiste S, Carswell A, McColl MA, Polatajko H, Pollock N. Canadian Occupational
# Performance Measure, 5th ed. CAOT 2014 — the performance (satisfaction) score is the sum of the
# problems' ratings divided by the number of problems; change = reassessment - initial; a change of
# 2 points or more is clinically important (Law et al. 1994; Carswell et al., Can J Occup Ther 2004).


def test_copm_scores_and_change_by_the_manuals_method():
    # By hand: initial performance (3 + 4 + 2) / 3 = 3.00, satisfaction (2 + 3 + 1) / 3 = 2.00;
    # reassessment performance (7 + 6 + 5) / 3 = 6.00, satisfaction (4 + 3 + 3) / 3 = 3.33;
    # change: performance +3.00 (important), satisfaction +1.33 (not).
    before = copm_scores([(3, 2), (4, 3), (2, 1)])
    after = copm_scores([(7, 4), (6, 3), (5, 3)])
    assert (before.performance, before.satisfaction, after.performance, after.satisfaction) == (3.0, 2.0, 6.0, 3.33)
    change = copm_change(before, after)
    assert (change.performance, change.satisfaction) == (3.0, 1.33)
    assert (change.performance_important, change.satisfaction_important) == (True, False)


def test_a_change_of_exactly_two_is_flagged_and_so_is_a_decline_of_two():
    change = copm_change(copm_scores([(4, 5)]), copm_scores([(6, 3)]))
    assert (change.performance, change.performance_important, change.satisfaction, change.satisfaction_important) == (
        2.0,
        True,
        -2.0,
        True,
    )


@given(st.lists(st.tuples(st.integers(1, 10), st.integers(1, 10)), min_size=1, max_size=5))
def test_copm_scores_stay_within_one_to_ten_and_no_change_is_zero(items):
    scores = copm_scores(items)
    assert 1 <= scores.performance <= 10 and 1 <= scores.satisfaction <= 10
    same = copm_change(scores, scores)
    assert (same.performance, same.satisfaction, same.performance_important) == (0.0, 0.0, False)
