"""Outcome scores recorded at reviews. Pure.

- Goal Attainment Scaling (Kiresuk & Sherman 1968): each goal's attainment x from -2 to +2 and
  weight w give T = 50 + 10·Σwᵢxᵢ / √((1-rho)Σwᵢ² + rho(Σwᵢ)²), rho = 0.3 (the assumed correlation
  between goal scales). All goals at the expected level (0) give 50; the standard deviation is 10.
- Canadian Occupational Performance Measure (Law et al.): the performance and satisfaction scores
  are the means of the problems' 1-10 ratings; a change of 2 points or more between two assessments
  is clinically important."""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

RHO = 0.3
COPM_IMPORTANT_CHANGE = 2.0


def gas_t_score(goals: Sequence[tuple[float, int]], rho: float = RHO) -> float:
    """The T-score of (weight, attainment) pairs, to two decimals."""
    if not goals:
        raise ValueError("a GAS T-score needs at least one scored goal")
    if any(not -2 <= x <= 2 for _, x in goals):
        raise ValueError("attainment is scored from -2 to +2")
    weights = [w for w, _ in goals]
    if any(w < 0 for w in weights) or sum(weights) == 0:
        raise ValueError("weights must be non-negative and not all zero")
    spread = math.sqrt((1 - rho) * sum(w * w for w in weights) + rho * sum(weights) ** 2)
    return round(50 + 10 * sum(w * x for w, x in goals) / spread, 2)


@dataclass(frozen=True)
class CopmScores:
    performance: float
    satisfaction: float


@dataclass(frozen=True)
class CopmChange:
    performance: float
    satisfaction: float
    performance_important: bool
    satisfaction_important: bool


def copm_scores(items: Sequence[tuple[int, int]]) -> CopmScores:
    """Mean performance and satisfaction of (performance, satisfaction) ratings, to two decimals."""
    if not items:
        raise ValueError("a COPM score needs at least one problem")
    return CopmScores(
        performance=round(sum(p for p, _ in items) / len(items), 2),
        satisfaction=round(sum(s for _, s in items) / len(items), 2),
    )


def copm_change(before: CopmScores, after: CopmScores) -> CopmChange:
    """The change between two assessments; each flagged when it is 2 points or more either way."""
    performance = round(after.performance - before.performance, 2)
    satisfaction = round(after.satisfaction - before.satisfaction, 2)
    return CopmChange(
        performance=performance,
        satisfaction=satisfaction,
        performance_important=abs(performance) >= COPM_IMPORTANT_CHANGE,
        satisfaction_important=abs(satisfaction) >= COPM_IMPORTANT_CHANGE,
    )
