"""The DOT strength level computed from force demands (docs/domain/cases.md's table), pure."""

from __future__ import annotations

import pytest

from rtw_intake.cases.strength import LB_IN_KG, ForceDemand, force_demands_of, strength_level


def lb(pounds: float) -> float:
    return pounds * LB_IN_KG


@pytest.mark.parametrize(
    ("demands", "level"),
    [
        ([("lift_floor_waist", "occasional", lb(10))], "sedentary"),
        ([("lift_floor_waist", "occasional", lb(10.5))], "light"),
        ([("carry", "frequent", lb(0.5))], "sedentary"),  # under 1 lb counts as negligible
        ([("carry", "frequent", lb(1))], "light"),
        ([("push", "constant", lb(0.9))], "sedentary"),
        ([("push", "constant", lb(1))], "medium"),  # light allows only negligible constant force
        ([("lift_floor_waist", "occasional", 20), ("lift_waist_shoulder", "frequent", lb(25))], "medium"),
        ([("lift_overhead", "frequent", lb(26))], "heavy"),
        ([("pull", "constant", lb(20))], "heavy"),
        ([("lift_floor_waist", "occasional", lb(101))], "very_heavy"),
        ([("lift_floor_waist", "never", 500)], None),  # never is not a demand
        ([("stand", "constant", None)], None),  # postural demands have no strength level
    ],
)
def test_level_is_the_lowest_whose_thresholds_cover_every_demand(demands, level):
    assert strength_level(ForceDemand(*d) for d in demands) == level


def test_demands_are_read_from_every_essential_function():
    employment = {
        "essential_functions": [
            {"name": "a", "demands": [{"demand": "carry", "frequency": "occasional", "load_kg": 5}]},
            {"name": "b", "demands": [{"demand": "push", "frequency": "frequent", "load_kg": 12}]},
        ]
    }
    assert strength_level(force_demands_of(employment)) == "heavy"
