"""What a plan projects — computed, never typed in. Pure functions: no I/O, no clock."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Protocol


@dataclass(frozen=True)
class FeeSchedule:
    """What one evaluation and one treatment session cost (docs/domain/plans.md defaults: 175 and 120 USD)."""

    evaluation: float = 175.0
    session: float = 120.0


class _Week(Protocol):
    week: int


class _Phase(Protocol):
    start_week: int
    end_week: int
    sessions_per_week: int


def projected_rtw_date(published_on: date, schedule: Sequence[_Week]) -> date:
    """Full return is expected when the graduated schedule's last week ends."""
    if not schedule:
        raise ValueError("a plan needs at least one week of schedule to project a return date")
    return published_on + timedelta(days=7 * max(w.week for w in schedule))


def planned_sessions(phases: Sequence[_Phase]) -> int:
    """Sessions the phases plan in total (each phase's weeks are inclusive)."""
    return sum(p.sessions_per_week * (p.end_week - p.start_week + 1) for p in phases)


def projected_cost(phases: Sequence[_Phase], fees: FeeSchedule) -> float:
    """One evaluation plus every planned session, at the fee schedule's prices (to the cent)."""
    return round(fees.evaluation + fees.session * planned_sessions(phases), 2)
