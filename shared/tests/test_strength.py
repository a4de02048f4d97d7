"""The DOT table, both ways: the level a job demands and the level a worker reaches (pure)."""

from __future__ import annotations

import pytest

from rtw_shared.strength import level_demanded, level_reached


@pytest.mark.parametrize(
    ("loads", "level"),
    [
        ([("occasional", 10)], "sedentary"),
        ([("occasional", 10), ("frequent", 0.5)], "sedentary"),  # under 1 lb is negligible
        ([("occasional", 10), ("frequent", 1)], "light"),
        ([("occasional", 44)], "medium"),  # 20 kg
        ([("constant", 11)], "heavy"),
        ([("occasional", 101)], "very_heavy"),
        ([], None),
    ],
)
def test_the_level_a_job_demands_is_the_lowest_that_covers_every_load(loads, level):
    assert level_demanded(loads) == level


@pytest.mark.parametrize(
    ("pounds", "level"),
    [
        ((9, 0, 0), None),
        ((10, 0, 0), "sedentary"),
        ((20, 10, 0), "light"),
        ((50, 25, 9), "light"),  # constant short of medium's 10 lb
        ((50, 25, 10), "medium"),
        ((100, 50, 20), "heavy"),
        ((101, 51, 21), "very_heavy"),
    ],
)
def test_the_level_a_worker_reaches_needs_all_three_frequencies(pounds, level):
    assert level_reached(pounds) == level


def test_a_worker_reaching_a_level_can_do_a_job_demanding_it():
    for pounds in [(10, 0, 0), (20, 10, 0), (50, 25, 10), (100, 50, 20)]:
        demanded = level_demanded(zip(("occasional", "frequent", "constant"), pounds, strict=True))
        assert level_reached(pounds) == demanded
