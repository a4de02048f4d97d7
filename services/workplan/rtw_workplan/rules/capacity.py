"""Current capacity per demand, job match and the DOT strength level reached. Pure.

The rule (docs/domain/plans.md, "Current capacity"):
- a session's *observation* of a demand is the best result the worker achieved **and tolerated** on it
  that session: the load (kg) for force demands, the duration (minutes) for the others;
- for a force demand, a result counts for the frequency it was performed at and every less demanding
  one; a frequency nobody tested is derived from the occasional capacity with the DOT table's ratios
  (frequent = 1/2, constant = 1/5 of occasional: medium 50/25/10 lb, heavy 100/50/20 lb); duration
  demands ignore frequency;
- the *current capacity* is the best observation over the last `WINDOW` attended sessions that
  included the demand, so a good day three weeks ago does not count once recent sessions fall short."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from rtw_shared.strength import LB_IN_KG, level_reached

from .facts import DOT_DEMANDS, FREQUENCY_RANK, ActivityResult, Requirement, SessionFacts, measured_by_load

WINDOW = 3
DERIVED_FROM_OCCASIONAL = {"frequent": 0.5, "constant": 0.2}


@dataclass(frozen=True)
class DemandMatch:
    demand: str
    frequency: str
    required: float | None
    unit: str
    capacity: float | None
    met: bool


@dataclass(frozen=True)
class JobMatch:
    demands: tuple[DemandMatch, ...]
    met: int
    total: int
    share: float | None


def _measure(result: ActivityResult) -> float | None:
    return result.achieved.load_kg if measured_by_load(result.demand) else result.achieved.duration_min


def _counts_for(result: ActivityResult, frequency: str) -> bool:
    if not measured_by_load(result.demand):
        return True
    return FREQUENCY_RANK.get(result.frequency, 0) >= FREQUENCY_RANK.get(frequency, 0)


def observation(session: SessionFacts, demand: str, frequency: str = "occasional") -> float | None:
    """The best tolerated result on `demand` this session, at `frequency` (derived when not tested)."""
    if not session.attended:
        return None
    results = [r for r in session.activities if r.demand == demand and r.tolerated and _measure(r) is not None]
    direct = [_measure(r) for r in results if _counts_for(r, frequency)]
    if direct:
        return max(v for v in direct if v is not None)
    if measured_by_load(demand) and frequency in DERIVED_FROM_OCCASIONAL:
        occasional = [_measure(r) for r in results]
        if occasional:
            return round(max(v for v in occasional if v is not None) * DERIVED_FROM_OCCASIONAL[frequency], 2)
    return None


def performed(session: SessionFacts, demand: str) -> bool:
    """Whether the session included the demand (tolerated or not)."""
    return session.attended and any(r.demand == demand for r in session.activities)


def observations(sessions: Sequence[SessionFacts], demand: str, frequency: str) -> list[tuple[date, float]]:
    """(day, observation) for every session with a tolerated result on the demand, in date order."""
    points = [(s.day, observation(s, demand, frequency)) for s in sorted(sessions, key=lambda s: s.day)]
    return [(day, value) for day, value in points if value is not None]


def current_capacity(sessions: Sequence[SessionFacts], demand: str, frequency: str = "occasional") -> float | None:
    """The best observation over the last WINDOW sessions that included the demand (None: nothing tolerated)."""
    recent = [s for s in sorted(sessions, key=lambda s: s.day) if performed(s, demand)][-WINDOW:]
    values = [v for v in (observation(s, demand, frequency) for s in recent) if v is not None]
    return max(values) if values else None


def activity_capacity(results: Sequence[ActivityResult]) -> float | None:
    """One activity's capacity: the best result tolerated over its last WINDOW sessions (kg or minutes)."""
    values = [v for v in (_measure(r) for r in results[-WINDOW:] if r.tolerated) if v is not None]
    return max(values) if values else None


def job_match(requirements: Sequence[Requirement], sessions: Sequence[SessionFacts]) -> JobMatch:
    """For each requirement, capacity vs demand (met / not met) and the share met; `never` demands are skipped."""
    matches = []
    for req in requirements:
        if req.frequency == "never":
            continue
        capacity = current_capacity(sessions, req.demand, req.frequency)
        required = req.required
        met = capacity is not None and (required is None or capacity >= required)
        unit = "kg" if measured_by_load(req.demand) else "min"
        matches.append(DemandMatch(req.demand, req.frequency, required, unit, capacity, met))
    met_count = sum(m.met for m in matches)
    share = round(met_count / len(matches), 4) if matches else None
    return JobMatch(tuple(matches), met_count, len(matches), share)


def dot_level_reached(sessions: Sequence[SessionFacts]) -> str | None:
    """The highest DOT strength level whose loads the worker now manages at all three frequencies
    (the best of the force demands at each); None below sedentary or without force results."""
    best = []
    for frequency in ("occasional", "frequent", "constant"):
        values = [current_capacity(sessions, d, frequency) for d in sorted(DOT_DEMANDS)]
        known = [v for v in values if v is not None]
        best.append(max(known) / LB_IN_KG if known else None)
    occasional, frequent, constant = best
    if occasional is None:
        return None
    level: str | None = level_reached((occasional, frequent or 0.0, constant or 0.0))
    return level
