"""What a plan projects — computed, never typed in. Pure functions: no I/O, no clock."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Protocol


@dataclass(frozen=True)
class FeeSchedule:
    """What one evaluation and one treatment session cost (docs/domain/plans.md defaults: 175 and 120 USD)."""

    evaluation: float = 175.0
    session: float = 120.0


class _Phase(Protocol):
    # Read-only: a request's PhaseIn and the progress rules' frozen PhaseFacts both qualify.
    @property
    def start_week(self) -> int: ...
    @property
    def end_week(self) -> int: ...
    @property
    def sessions_per_week(self) -> int: ...


def planned_sessions(phases: Sequence[_Phase]) -> int:
    """Sessions the phases plan in total (each phase's weeks are inclusive)."""
    return sum(p.sessions_per_week * (p.end_week - p.start_week + 1) for p in phases)


def projected_cost(phases: Sequence[_Phase], fees: FeeSchedule) -> float:
    """One evaluation plus every planned session, at the fee schedule's prices (to the cent)."""
    return round(fees.evaluation + fees.session * planned_sessions(phases), 2)


def actual_cost(sessions_attended: int, fees: FeeSchedule) -> float:
    """The evaluation plus every session attended so far (cancelled and missed sessions are not billed)."""
    return round(fees.evaluation + fees.session * sessions_attended, 2)
