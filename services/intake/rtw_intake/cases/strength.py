"""The DOT strength level of a set of force demands (docs/domain/cases.md, the DOT table).

The level is the lowest one whose three thresholds (occasional / frequent / constant) all cover
the demands. Thresholds are in pounds as the DOT publishes them; loads are stored in kg.
"Negligible" means under 1 lb (our convention)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from .vocabulary import FORCE_DEMANDS

LB_IN_KG = 0.45359237
NEGLIGIBLE = "negligible"
# level -> max pounds at (occasional, frequent, constant)
THRESHOLDS_LB: dict[str, tuple[float | str, float | str, float | str]] = {
    "sedentary": (10, NEGLIGIBLE, NEGLIGIBLE),
    "light": (20, 10, NEGLIGIBLE),
    "medium": (50, 25, 10),
    "heavy": (100, 50, 20),
}
FREQUENCY_INDEX = {"occasional": 0, "frequent": 1, "constant": 2}


@dataclass(frozen=True)
class ForceDemand:
    demand: str
    frequency: str
    load_kg: float | None


def _covers(threshold: float | str, load_lb: float) -> bool:
    if isinstance(threshold, str):  # NEGLIGIBLE
        return load_lb < 1
    return load_lb <= threshold


def strength_level(demands: Iterable[ForceDemand]) -> str | None:
    """The DOT level these demands call for; None when there are no force demands to judge."""
    loads = [
        (FREQUENCY_INDEX[d.frequency], (d.load_kg or 0) / LB_IN_KG)
        for d in demands
        if d.demand in FORCE_DEMANDS and d.frequency in FREQUENCY_INDEX
    ]
    if not loads:
        return None
    for level, thresholds in THRESHOLDS_LB.items():
        if all(_covers(thresholds[index], load_lb) for index, load_lb in loads):
            return level
    return "very_heavy"


def force_demands_of(employment: dict) -> list[ForceDemand]:
    """Every demand of every essential function of a stored employment."""
    return [
        ForceDemand(d["demand"], d["frequency"], d.get("load_kg"))
        for function in employment.get("essential_functions", [])
        for d in function.get("demands", [])
    ]
