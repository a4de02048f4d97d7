"""The progression recommendation per activity after each session (product spec, "Plan"). Pain is always
compared with the **baseline** — the pain before treatment began (the assessment's, else the first
session's pain before):
- *regress* when pain after the last session is at least baseline + 2;
- *advance* when the current prescription's target was met in the last two sessions and pain after
  each was at most baseline + 1;
- else *hold* — always with the reason in words.
A rise within one session (pain after - pain before) is shown beside the recommendation as
information; it decides nothing. A clinic may change the numbers (`Thresholds`); the therapist accepts
or overrides each recommendation. Pure."""

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
    pain_margin: int = 1  # advance: pain after each of those sessions at most baseline + this
    regress_pain_margin: int = 2  # regress: pain after the last session at least baseline + this
    regress_pain_rise: int = 2  # information: a rise of this much within one session is shown
    step: float = 0.10  # how much the next prescription moves on advance or regress


@dataclass(frozen=True)
class Recommendation:
    action: Action
    reason: str
    next_prescription: Dose
    # Shown beside the recommendation, deciding nothing: pain rose within the last session.
    information: str | None = None


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


def pain_after(session: SessionFacts) -> int | None:
    """The pain the session left (after; the pain before when after was not recorded)."""
    return session.pain_after if session.pain_after is not None else session.pain_before


def baseline_pain(assessed: int | None, sessions: Sequence[SessionFacts]) -> int | None:
    """The pain before treatment began: the assessment's, else the first session's pain before."""
    if assessed is not None:
        return assessed
    return next((s.pain_before for s in sorted(sessions, key=lambda s: s.day) if s.pain_before is not None), None)


def _within(session: SessionFacts, baseline: int | None, margin: int) -> bool:
    pain = pain_after(session)
    return baseline is None or pain is None or pain <= baseline + margin


def _rise_information(session: SessionFacts, rule: Thresholds) -> str | None:
    rise = pain_rise(session)
    if rise is None or rise < rule.regress_pain_rise:
        return None
    return f"pain rose from {session.pain_before} to {session.pain_after} during the session"


def recommend(
    history: Sequence[tuple[SessionFacts, ActivityResult]], baseline: int | None, rule: Thresholds
) -> Recommendation:
    """The recommendation after the last (session, result) of one activity's history, oldest first;
    `baseline`: the pain before treatment began (None: unknown, pain then decides nothing)."""
    if not history:
        raise ValueError("a recommendation needs at least one session with the activity")
    session, result = history[-1]
    info = _rise_information(session, rule)
    after = session.pain_after
    if baseline is not None and after is not None and after >= baseline + rule.regress_pain_margin:
        reason = (
            f"pain after the session ({after}) is {after - baseline} above the baseline of {baseline} "
            f"(baseline + {rule.regress_pain_margin} or more)"
        )
        return Recommendation("regress", reason, _scaled(result, -rule.step), info)
    # The target is the current prescription: sessions before it last changed do not count towards it.
    recent = [(s, r) for s, r in history[-rule.sessions_to_advance :] if r.prescribed == result.prescribed]
    limit = None if baseline is None else baseline + rule.pain_margin
    if len(recent) == rule.sessions_to_advance and all(target_met(r) for _, r in recent):
        if all(_within(s, baseline, rule.pain_margin) for s, _ in recent):
            within = f" with pain within baseline + {rule.pain_margin} ({limit})" if limit is not None else ""
            reason = f"target met in the last {rule.sessions_to_advance} sessions{within}"
            return Recommendation("advance", reason, _scaled(result, rule.step), info)
        reason = f"target met, but pain after a session above baseline + {rule.pain_margin} ({limit})"
        return Recommendation("hold", reason, _same(result), info)
    return Recommendation("hold", _hold_reason(recent, rule), _same(result), info)


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
