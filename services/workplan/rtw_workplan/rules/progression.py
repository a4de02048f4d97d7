"""The progression recommendation per activity after each session (product spec, "Plan"): advance when
the target was met in two consecutive sessions with pain not above baseline + 1; regress when pain
rose by 2 or more; else hold — always with the reason in words. A clinic may change the numbers
(`Thresholds`); the therapist accepts or overrides each recommendation. Pure."""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, replace
from typing import Literal

from .facts import ActivityResult, Dose, SessionFacts

Action = Literal["advance", "hold", "regress"]
LOAD_STEP_KG = 0.5  # loads are prescribed in half kilograms (the plates a clinic has)


@dataclass(frozen=True)
class Thresholds:
    """The rule's numbers; the defaults are the product spec's."""

    sessions_to_advance: int = 2
    pain_margin: int = 1
    regress_pain_rise: int = 2
    step: float = 0.10  # how much the next prescription moves on advance or regress


@dataclass(frozen=True)
class Recommendation:
    action: Action
    reason: str
    next_prescription: Dose


def target_met(result: ActivityResult) -> bool:
    """Tolerated, and every prescribed quantity achieved (at least as much of each)."""
    if not result.tolerated:
        return False
    pairs = [
        (result.prescribed.load_kg, result.achieved.load_kg),
        (result.prescribed.reps, result.achieved.reps),
        (result.prescribed.sets, result.achieved.sets),
        (result.prescribed.duration_min, result.achieved.duration_min),
    ]
    return all(wanted is None or (got is not None and got >= wanted) for wanted, got in pairs)


def pain_rise(session: SessionFacts) -> int | None:
    """How much pain rose during the session (after - before), when both were recorded."""
    if session.pain_before is None or session.pain_after is None:
        return None
    return session.pain_after - session.pain_before


def _pain_within(session: SessionFacts, baseline: int | None, margin: int) -> bool:
    pain = session.pain_after if session.pain_after is not None else session.pain_before
    return baseline is None or pain is None or pain <= baseline + margin


def recommend(
    history: Sequence[tuple[SessionFacts, ActivityResult]], baseline_pain: int | None, rule: Thresholds
) -> Recommendation:
    """The recommendation after the last (session, result) of one activity's history, oldest first."""
    if not history:
        raise ValueError("a recommendation needs at least one session with the activity")
    session, result = history[-1]
    rise = pain_rise(session)
    if rise is not None and rise >= rule.regress_pain_rise:
        reason = f"pain rose from {session.pain_before} to {session.pain_after} during the session"
        return Recommendation("regress", f"{reason} (by {rule.regress_pain_rise} or more)", _scaled(result, -rule.step))
    # The target is the current prescription: sessions before it last changed do not count towards it.
    recent = [(s, r) for s, r in history[-rule.sessions_to_advance :] if r.prescribed == result.prescribed]
    limit = None if baseline_pain is None else baseline_pain + rule.pain_margin
    if len(recent) == rule.sessions_to_advance and all(target_met(r) for _, r in recent):
        if all(_pain_within(s, baseline_pain, rule.pain_margin) for s, _ in recent):
            within = f" with pain within baseline + {rule.pain_margin} ({limit})" if limit is not None else ""
            reason = f"target met in the last {rule.sessions_to_advance} sessions{within}"
            return Recommendation("advance", reason, _scaled(result, rule.step))
        return Recommendation(
            "hold", f"target met, but pain above baseline + {rule.pain_margin} ({limit})", _same(result)
        )
    return Recommendation("hold", _hold_reason(recent, rule), _same(result))


def _hold_reason(recent: Sequence[tuple[SessionFacts, ActivityResult]], rule: Thresholds) -> str:
    _, last = recent[-1]
    if not last.tolerated:
        return "not tolerated in the last session"
    if not target_met(last):
        return "target not met in the last session"
    met = sum(target_met(r) for _, r in recent)
    return f"target met in {met} of the {rule.sessions_to_advance} consecutive sessions needed at this prescription"


def _same(result: ActivityResult) -> Dose:
    return result.prescribed


def _scaled(result: ActivityResult, step: float) -> Dose:
    """The prescription moved by `step`: the load if there is one, else the duration, else the repetitions."""
    dose = result.prescribed
    if dose.load_kg is not None:
        load = max(0.0, round(dose.load_kg * (1 + step) / LOAD_STEP_KG) * LOAD_STEP_KG)
        if load == dose.load_kg and step:  # a light load still moves by one plate
            load = max(0.0, dose.load_kg + math.copysign(LOAD_STEP_KG, step))
        return replace(dose, load_kg=load)
    if dose.duration_min is not None:
        return replace(dose, duration_min=max(0.0, round(dose.duration_min * (1 + step), 1)))
    if dose.reps is not None:
        change = max(1, round(abs(dose.reps * step)))
        return replace(dose, reps=max(0, dose.reps + (change if step > 0 else -change)))
    return dose


def next_dose(action: Action, result: ActivityResult, rule: Thresholds) -> Dose:
    """The prescription after choosing `action` for the activity last done as `result`."""
    if action == "advance":
        return _scaled(result, rule.step)
    if action == "regress":
        return _scaled(result, -rule.step)
    return _same(result)
