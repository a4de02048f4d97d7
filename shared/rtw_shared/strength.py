"""The DOT strength levels (product spec, "Physical demands"): one table for what a job demands
(intake) and what a worker now manages (workplan), so the two can never disagree.

Thresholds are in pounds as the DOT publishes them; loads are stored in kg. "Negligible" means
under 1 lb (our convention)."""

from __future__ import annotations

from collections.abc import Iterable

LB_IN_KG = 0.45359237
NEGLIGIBLE = "negligible"
FREQUENCIES = ("occasional", "frequent", "constant")
# level -> max pounds at (occasional, frequent, constant), lowest level first; above heavy: very_heavy.
THRESHOLDS_LB: dict[str, tuple[float | str, float | str, float | str]] = {
    "sedentary": (10, NEGLIGIBLE, NEGLIGIBLE),
    "light": (20, 10, NEGLIGIBLE),
    "medium": (50, 25, 10),
    "heavy": (100, 50, 20),
}


def _pounds(threshold: float | str) -> float:
    return 0.0 if threshold == NEGLIGIBLE else float(threshold)


def _covers(threshold: float | str, load_lb: float) -> bool:
    return load_lb < 1 if threshold == NEGLIGIBLE else load_lb <= float(threshold)


def level_demanded(loads: Iterable[tuple[str, float]]) -> str | None:
    """The lowest level whose thresholds cover every (frequency, pounds) load; None without loads."""
    known = [(FREQUENCIES.index(f), lb) for f, lb in loads if f in FREQUENCIES]
    if not known:
        return None
    for level, thresholds in THRESHOLDS_LB.items():
        if all(_covers(thresholds[index], lb) for index, lb in known):
            return level
    return "very_heavy"


def level_reached(pounds: tuple[float, float, float]) -> str | None:
    """The highest level whose (occasional, frequent, constant) loads a worker manages with these
    capacities in pounds; None below sedentary."""
    heavy = tuple(_pounds(t) for t in THRESHOLDS_LB["heavy"])
    if all(have > need for have, need in zip(pounds, heavy, strict=True)):
        return "very_heavy"
    for level, thresholds in reversed(THRESHOLDS_LB.items()):
        if all(have >= _pounds(need) - 1e-9 for have, need in zip(pounds, thresholds, strict=True)):
            return level
    return None
