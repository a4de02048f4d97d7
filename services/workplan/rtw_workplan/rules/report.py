"""A plan's progress, computed from its rows: the facts are read off the session log, reviews and the
case's job, and every number comes from the pure rules beside this module. Nothing here touches the
database; the service hands it what the repositories read."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any, Protocol

from . import capacity, dosage, progression, readiness, scores
from .capacity import JobMatch
from .facts import ActivityResult, Baseline, Dose, PhaseFacts, Requirement, SessionFacts, measured_by_load
from .projections import FeeSchedule, actual_cost, projected_cost


@dataclass(frozen=True)
class CapacityLine:
    demand: str
    frequency: str
    unit: str
    required: float | None
    current: float | None
    series: tuple[tuple[date, float], ...]
    readiness: readiness.DemandReadiness
    activity_ids: tuple[str, ...] = ()  # the plan's activities that train this demand at this frequency


@dataclass(frozen=True)
class ActivityProgress:
    """One activity's row: kept by the plan's activity id (or, for one done without it, its kind, demand and
    frequency), so two activities on the same demand stay two rows."""

    key: str
    activity_id: str | None
    name: str
    kind: str
    demand: str | None
    frequency: str
    recommendation: progression.Recommendation
    last_prescribed: Dose  # what the last session with the activity prescribed
    capacity: float | None  # the best tolerated result over its last sessions (kg, or minutes)
    unit: str


@dataclass(frozen=True)
class GasPoint:
    review_date: date
    t_score: float | None


@dataclass(frozen=True)
class Report:
    as_of: date
    therapy_start: date
    schedule_start: date
    adherence: dosage.Adherence
    dosage: dosage.Dosage
    capacity: tuple[CapacityLine, ...]
    job_match: JobMatch
    dot_level_reached: str | None
    readiness: readiness.Readiness
    projected_rtw_date: date | None
    cost_projected: float
    cost_actual: float
    gas: tuple[GasPoint, ...]
    copm_first: scores.CopmScores | None
    copm_latest: scores.CopmScores | None
    copm_change: scores.CopmChange | None
    activities: tuple[ActivityProgress, ...] = field(default_factory=tuple)

    @property
    def gas_latest(self) -> float | None:
        return self.gas[-1].t_score if self.gas else None

    @property
    def gas_change(self) -> float | None:
        scored = [g.t_score for g in self.gas if g.t_score is not None]
        return round(scored[-1] - scored[0], 2) if len(scored) > 1 else None


def _dose(data: dict[str, Any] | None) -> Dose:
    data = data or {}
    return Dose(data.get("load_kg"), data.get("reps"), data.get("sets"), data.get("duration_min"))


def session_facts(content: dict[str, Any]) -> SessionFacts:
    """A stored session body (its current revision) as facts."""
    return SessionFacts(
        day=date.fromisoformat(content["date"]),
        attendance=content.get("attendance", "attended"),
        minutes=content.get("minutes", 0),
        work_simulation=content.get("work_simulation", False),
        pain_before=content.get("pain_before"),
        pain_after=content.get("pain_after"),
        activities=tuple(
            ActivityResult(
                kind=a["kind"],
                demand=a.get("demand"),
                prescribed=_dose(a.get("prescribed")),
                achieved=_dose(a.get("achieved")),
                tolerated=a.get("tolerated", True),
                frequency=a.get("frequency") or "occasional",
                activity_id=a.get("activity_id"),
            )
            for a in content.get("activities", [])
        ),
    )


def baseline_facts(data: dict[str, Any] | None) -> Baseline | None:
    """A stored assessment (intake's `case.assessed`, as a plan keeps it) as facts: each measured capacity
    an observation at its frequency, grip the better hand's mean when no grip capacity was measured."""
    if not data:
        return None
    capacities = [
        ActivityResult(
            "assessment",
            c["demand"],
            Dose(),
            Dose(load_kg=c.get("load_kg"), duration_min=c.get("duration_min")),
            True,
            c.get("frequency") or "occasional",
        )
        for c in data.get("capacities", [])
        if c.get("frequency") != "never"
    ]
    grips = [g for g in (data.get("grip_kg_left"), data.get("grip_kg_right")) if g is not None]
    if grips and not any(c.demand == "grip" for c in capacities):
        capacities.append(ActivityResult("assessment", "grip", Dose(), Dose(load_kg=max(grips)), True))
    return Baseline(
        day=date.fromisoformat(data["assessed_on"]),
        pain=data.get("pain_nrs"),
        capacities=tuple(capacities),
        copm=tuple((i["performance"], i["satisfaction"]) for i in data.get("copm", [])),
    )


class Goal(Protocol):
    """What the requirements read of a plan's goal (read-only: a request's GoalIn qualifies)."""

    @property
    def demand(self) -> str: ...
    @property
    def frequency(self) -> str | None: ...
    @property
    def target(self) -> float: ...


def requirements(job: dict[str, Any] | None, goals: Sequence[Goal]) -> list[Requirement]:
    """What the worker must be able to do: the job's demands; without a known job, the goals' targets."""
    demands = (job or {}).get("demands") or []
    if demands:
        return [
            Requirement(d["demand"], d.get("frequency", "occasional"), d.get("load_kg"), d.get("duration_min"))
            for d in demands
        ]
    return [
        Requirement(
            g.demand,
            g.frequency or "occasional",
            g.target if measured_by_load(g.demand) else None,
            None if measured_by_load(g.demand) else g.target,
        )
        for g in goals
    ]


def treatment_end(therapy_start: date, phases: Sequence[PhaseFacts]) -> date:
    """The day after the last phase's last week (the plan's own estimate of readiness)."""
    return therapy_start + timedelta(days=7 * max((p.end_week for p in phases), default=0))


def activity_progress(
    sessions: Sequence[SessionFacts],
    rule: progression.Thresholds,
    baseline_pain: int | None,
    names: Mapping[str, str],
) -> list[ActivityProgress]:
    """The latest recommendation for every activity performed (by its key), after its latest session."""
    ordered = [s for s in sorted(sessions, key=lambda s: s.day) if s.attended]
    histories: dict[str, list[tuple[SessionFacts, ActivityResult]]] = {}
    for facts in ordered:
        for result in facts.activities:
            histories.setdefault(result.key, []).append((facts, result))
    out = []
    for key, history in histories.items():
        last = history[-1][1]
        out.append(
            ActivityProgress(
                key=key,
                activity_id=last.activity_id,
                name=names.get(key) or last.label,
                kind=last.kind,
                demand=last.demand,
                frequency=last.frequency,
                recommendation=progression.recommend(history, baseline_pain, rule),
                last_prescribed=last.prescribed,
                capacity=capacity.activity_capacity([r for _, r in history]),
                unit="kg" if measured_by_load(last.demand) else "min",
            )
        )
    return out


@dataclass(frozen=True)
class Inputs:
    """Everything one report is computed from."""

    as_of: date
    therapy_start: date
    schedule_start: date | None
    schedule_last_week: int
    phases: tuple[PhaseFacts, ...]
    goals: tuple[Goal, ...]
    job: dict[str, Any] | None
    sessions: tuple[SessionFacts, ...]
    reviews: tuple[tuple[date, float | None, list[dict[str, Any]]], ...]  # (date, GAS T-score, COPM items)
    fees: FeeSchedule
    rule: progression.Thresholds
    fixed_projected_cost: float | None = None
    # The assessment the plan starts from (its pain is the baseline; its capacities the first observation).
    baseline: Baseline | None = None
    # The plan's activities: id -> name, and (id, demand, frequency) for the capacity rows they measure.
    activity_names: Mapping[str, str] = field(default_factory=dict)
    planned: tuple[tuple[str, str | None, str | None], ...] = ()

    @property
    def observed(self) -> tuple[SessionFacts, ...]:
        """What capacity is read from: the assessment first, then the sessions."""
        return ((self.baseline.observed(),) if self.baseline else ()) + self.sessions

    @property
    def baseline_pain(self) -> int | None:
        return progression.baseline_pain(self.baseline.pain if self.baseline else None, self.sessions)


def build(inputs: Inputs) -> Report:
    """The whole progress report of one plan version as of a day."""
    estimate = treatment_end(inputs.therapy_start, inputs.phases)
    lines = tuple(_capacity_line(req, inputs, estimate) for req in requirements(inputs.job, inputs.goals))
    ready = readiness.overall([line.readiness for line in lines])
    schedule_start = inputs.schedule_start or readiness.monday_after(ready.ready_on or estimate)
    rtw = (
        readiness.projected_rtw_date(schedule_start, inputs.schedule_last_week, ready.ready_on)
        if inputs.schedule_last_week
        else None
    )
    copm_first, copm_latest, copm_change = _copm(inputs.baseline, inputs.reviews)
    return Report(
        as_of=inputs.as_of,
        therapy_start=inputs.therapy_start,
        schedule_start=schedule_start,
        adherence=dosage.adherence(inputs.phases, inputs.sessions, inputs.therapy_start, inputs.as_of),
        dosage=dosage.dosage(inputs.sessions),
        capacity=lines,
        job_match=capacity.job_match(requirements(inputs.job, inputs.goals), inputs.observed),
        dot_level_reached=capacity.dot_level_reached(inputs.observed),
        readiness=ready,
        projected_rtw_date=rtw,
        cost_projected=inputs.fixed_projected_cost
        if inputs.fixed_projected_cost is not None
        else projected_cost(inputs.phases, inputs.fees),
        cost_actual=actual_cost(sum(s.attended for s in inputs.sessions), inputs.fees),
        gas=tuple(GasPoint(day, t) for day, t, _ in inputs.reviews),
        copm_first=copm_first,
        copm_latest=copm_latest,
        copm_change=copm_change,
        activities=tuple(activity_progress(inputs.sessions, inputs.rule, inputs.baseline_pain, inputs.activity_names)),
    )


def _capacity_line(req: Requirement, inputs: Inputs, estimate: date) -> CapacityLine:
    points = capacity.observations(inputs.observed, req.demand, req.frequency)
    return CapacityLine(
        demand=req.demand,
        frequency=req.frequency,
        unit="kg" if measured_by_load(req.demand) else "min",
        required=req.required,
        current=capacity.current_capacity(inputs.observed, req.demand, req.frequency),
        series=tuple(points),
        readiness=readiness.demand_readiness(points, req.required, inputs.as_of, estimate),
        activity_ids=tuple(
            i for i, demand, frequency in inputs.planned if demand == req.demand and frequency in (None, req.frequency)
        ),
    )


def _copm(
    baseline: Baseline | None, reviews: Sequence[tuple[date, float | None, list[dict[str, Any]]]]
) -> tuple[scores.CopmScores | None, scores.CopmScores | None, scores.CopmChange | None]:
    """The first COPM ratings (the assessment's, when it rated any; else the first review's), the latest,
    and the change between them."""
    assessed = [scores.copm_scores(baseline.copm)] if baseline and baseline.copm else []
    assessed += [
        scores.copm_scores([(i["performance"], i["satisfaction"]) for i in items]) for _, _, items in reviews if items
    ]
    if not assessed:
        return None, None, None
    first, latest = assessed[0], assessed[-1]
    return first, latest, scores.copm_change(first, latest) if len(assessed) > 1 else None


def recommendations_after(
    sessions: Sequence[SessionFacts], index: int, rule: progression.Thresholds, assessed_pain: int | None = None
) -> list[tuple[ActivityResult, progression.Recommendation]]:
    """The recommendation for each activity of session `index` (of `sessions`, in log order), from the
    history up to and including it; pain compared with the baseline (the assessment's pain, else the
    first session's pain before)."""
    upto = [s for s in sessions[: index + 1] if s.attended]
    if not sessions[index].attended:
        return []
    baseline = progression.baseline_pain(assessed_pain, upto)
    out = []
    for result in sessions[index].activities:
        history = [(s, a) for s in upto for a in s.activities if a.key == result.key]
        out.append((result, progression.recommend(history, baseline, rule)))
    return out
