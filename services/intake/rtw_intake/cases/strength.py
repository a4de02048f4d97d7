"""The DOT strength level of a job's force demands (docs/domain/cases.md): the lowest level whose
three thresholds (occasional / frequent / constant) all cover them. The table is
rtw_shared.strength, which workplan reads too."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from rtw_shared.strength import LB_IN_KG, level_demanded

from .vocabulary import FORCE_DEMANDS


@dataclass(frozen=True)
class ForceDemand:
    demand: str
    frequency: str
    load_kg: float | None


def strength_level(demands: Iterable[ForceDemand]) -> str | None:
    """The DOT level these demands call for; None when there are no force demands to judge."""
    level: str | None = level_demanded(
        (d.frequency, (d.load_kg or 0) / LB_IN_KG) for d in demands if d.demand in FORCE_DEMANDS
    )
    return level


def force_demands_of(employment: dict[str, Any]) -> list[ForceDemand]:
    """Every demand of every essential function of a stored employment."""
    return [
        ForceDemand(d["demand"], d["frequency"], d.get("load_kg"))
        for function in employment.get("essential_functions", [])
        for d in function.get("demands", [])
    ]
