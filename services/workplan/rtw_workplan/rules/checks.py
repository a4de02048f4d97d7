"""The checks a plan passes before it is published. Pure.

Hard errors refuse publication (422, every problem listed): what cannot be right — a target below
its baseline, a load on a demand that is not moved (a 900 kg "stand"), an activity or a full-duty
week against a `never` restriction, more hours or days than the job's usual ones, a schedule that
begins before the treatment. Clinical warnings are what a therapist may have good reason for; they
are returned, and publication needs each acknowledged (the acknowledgement is recorded).

A warning's code names what it is about by identity — a goal or an activity by its id, a schedule week by
its number — not by its position, so an acknowledgement still names the same thing after the content is
reordered (and carries over to a revision while the warning's cause, its code and message, is unchanged).

A load or duration is compared with the restrictions on the same demand that bind at the activity's
frequency: a limit at one frequency also binds every more demanding one (an occasional limit of 10 kg
caps a frequent lift too), never a less demanding one (a frequent limit of 5 kg leaves an occasional 8 kg
lift alone). An activity without a frequency (a postural one) is held to every restriction on its demand."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Protocol

from .facts import FREQUENCY_RANK, Requirement, measured_by_load


@dataclass(frozen=True)
class Problem:
    code: str  # stable: a warning is acknowledged by its code
    field: str
    message: str


@dataclass(frozen=True)
class Context:
    """What the content is checked against: the job (when known), the dates publication fixes."""

    job_demands: Sequence[Requirement]
    job_hours_per_day: float | None
    job_days_per_week: int | None
    therapy_start: date
    schedule_start: date
    treatment_ends: date
    ready_on: date | None


@dataclass(frozen=True)
class Outcome:
    errors: tuple[Problem, ...]
    warnings: tuple[Problem, ...]


# What the checks read of a plan's content (read-only: a request's PlanContent qualifies).
class _Goal(Protocol):
    @property
    def id(self) -> object: ...
    @property
    def demand(self) -> str: ...
    @property
    def frequency(self) -> str | None: ...
    @property
    def baseline(self) -> float: ...
    @property
    def target(self) -> float: ...
    @property
    def unit(self) -> str: ...


class _Activity(Protocol):
    @property
    def id(self) -> object: ...
    @property
    def demand(self) -> str | None: ...
    @property
    def frequency(self) -> str | None: ...
    @property
    def load_kg(self) -> float | None: ...
    @property
    def duration_min(self) -> float | None: ...


class _Phase(Protocol):
    @property
    def activities(self) -> Sequence[_Activity]: ...


class _Week(Protocol):
    @property
    def week(self) -> int: ...
    @property
    def hours_per_day(self) -> float: ...
    @property
    def days_per_week(self) -> int: ...
    @property
    def duties(self) -> str: ...


class _Restriction(Protocol):
    @property
    def demand(self) -> str: ...
    @property
    def frequency(self) -> str: ...
    @property
    def load_kg(self) -> float | None: ...
    @property
    def duration_min(self) -> float | None: ...


class Content(Protocol):
    """A plan's content as the checks read it (plans.schemas.PlanContent)."""

    @property
    def goals(self) -> Sequence[_Goal]: ...
    @property
    def phases(self) -> Sequence[_Phase]: ...
    @property
    def schedule(self) -> Sequence[_Week]: ...
    @property
    def restrictions(self) -> Sequence[_Restriction]: ...


def check(content: Content, context: Context) -> Outcome:
    """Every hard error and clinical warning of a plan's content (a PlanContent)."""
    errors = [*_goal_errors(content), *_activity_errors(content), *_schedule_errors(content, context)]
    warnings = [*_goal_warnings(content, context), *_activity_warnings(content), *_schedule_warnings(content, context)]
    return Outcome(tuple(errors), tuple(warnings))


def _never(content: Content) -> set[str]:
    return {r.demand for r in content.restrictions if r.frequency == "never"}


def _goal_errors(content: Content) -> list[Problem]:
    return [
        Problem("target_below_baseline", f"goals.{i}", f"target {g.target} {g.unit} is below baseline {g.baseline}")
        for i, g in enumerate(content.goals)
        if g.target < g.baseline
    ]


def _activities(content: Content) -> Iterator[tuple[str, _Activity]]:
    for i, phase in enumerate(content.phases):
        for j, activity in enumerate(phase.activities):
            yield f"phases.{i}.activities.{j}", activity


def _activity_errors(content: Content) -> list[Problem]:
    never = _never(content)
    problems: list[Problem] = []
    for field, activity in _activities(content):
        if activity.load_kg and activity.demand and not measured_by_load(activity.demand):
            message = f"load_kg applies to lifting, carrying, pushing, pulling and grip, not to {activity.demand}"
            problems.append(Problem("load_on_postural_demand", field, message))
        if activity.demand in never:
            problems.append(Problem("activity_against_never", field, f"{activity.demand} is restricted to never"))
    return problems


def _schedule_errors(content: Content, context: Context) -> list[Problem]:
    never = _never(content)
    blocked = ", ".join(sorted(never & {d.demand for d in context.job_demands if d.frequency != "never"}))
    problems = [p for k, week in enumerate(content.schedule) for p in _week_errors(k, week, blocked, context)]
    if content.schedule and context.schedule_start < context.therapy_start:
        message = "the graduated schedule begins before the treatment starts"
        problems.append(Problem("schedule_before_treatment", "schedule_start_date", message))
    return problems


def _week_errors(k: int, week: _Week, blocked: str, context: Context) -> list[Problem]:
    field = f"schedule.{k}"
    problems: list[Problem] = []
    if week.duties == "full" and blocked:
        message = f"week {week.week} is full duty but the job needs {blocked}, restricted to never"
        problems.append(Problem("full_duty_against_never", field, message))
    hours, days = context.job_hours_per_day, context.job_days_per_week
    if hours is not None and week.hours_per_day > hours:
        message = f"week {week.week}: {week.hours_per_day} h/day is more than the job's usual {hours}"
        problems.append(Problem("hours_above_job", field, message))
    if days is not None and week.days_per_week > days:
        message = f"week {week.week}: {week.days_per_week} days/week is more than the job's usual {days}"
        problems.append(Problem("days_above_job", field, message))
    return problems


def _job_demand(goal: _Goal, demands: Sequence[Requirement]) -> Requirement | None:
    """The job demand a goal works towards: the same demand at the goal's frequency (occasional when the
    goal names none; else the first one on that demand)."""
    same = [d for d in demands if d.demand == goal.demand and d.frequency != "never"]
    wanted = goal.frequency or "occasional"
    return next((d for d in same if d.frequency == wanted), None if goal.frequency else next(iter(same), None))


def _goal_warnings(content: Content, context: Context) -> list[Problem]:
    problems: list[Problem] = []
    for i, goal in enumerate(content.goals):
        field = f"goals.{i}"
        if goal.target == goal.baseline:
            problems.append(
                Problem(f"target_equals_baseline:goal.{goal.id}", field, "target equals baseline: nothing to gain")
            )
        job = _job_demand(goal, context.job_demands)
        if job is not None and job.required is not None and goal.target < job.required:
            message = f"target {goal.target} is below the job's {job.required} for {goal.demand} ({job.frequency})"
            problems.append(Problem(f"target_below_job:goal.{goal.id}", field, message))
    return problems


def binding_limits(activity: _Activity, restrictions: Sequence[_Restriction]) -> list[_Restriction]:
    """The restrictions an activity is held to: on its demand, at its frequency or a less demanding one
    (every one on its demand when it has no frequency); `never` is a hard error, not a limit."""
    rank = FREQUENCY_RANK.get(activity.frequency or "", None)
    return [
        r
        for r in restrictions
        if r.demand == activity.demand
        and r.frequency != "never"
        and (rank is None or FREQUENCY_RANK.get(r.frequency, 0) <= rank)
    ]


def _activity_warnings(content: Content) -> list[Problem]:
    problems: list[Problem] = []
    for field, activity in _activities(content):
        limits = binding_limits(activity, content.restrictions)
        loads = [r for r in limits if r.load_kg is not None]
        if activity.load_kg is not None and loads:
            limit = min(loads, key=lambda r: r.load_kg or 0.0)
            if activity.load_kg > (limit.load_kg or 0.0):
                message = (
                    f"load {activity.load_kg} kg is above the restriction's {limit.load_kg} kg for "
                    f"{activity.demand} ({limit.frequency})"
                )
                problems.append(Problem(f"load_above_restriction:activity.{activity.id}", field, message))
        durations = [r for r in limits if r.duration_min is not None]
        if activity.duration_min is not None and durations:
            limit = min(durations, key=lambda r: r.duration_min or 0.0)
            if activity.duration_min > (limit.duration_min or 0.0):
                message = (
                    f"{activity.duration_min} min is above the restriction's {limit.duration_min} min for "
                    f"{activity.demand} ({limit.frequency})"
                )
                problems.append(Problem(f"duration_above_restriction:activity.{activity.id}", field, message))
    return problems


def _schedule_warnings(content: Content, context: Context) -> list[Problem]:
    problems: list[Problem] = []
    if content.schedule and content.schedule[0].duties == "full":
        problems.append(
            Problem("no_graduated_return", "schedule.0", "full duty from the first week: no graduated return")
        )
    for k, week in enumerate(content.schedule):
        if week.duties != "full":
            continue
        starts = context.schedule_start + timedelta(days=7 * (week.week - 1))
        field, about = f"schedule.{k}", f"week.{week.week}"
        if context.ready_on is not None and starts < context.ready_on:
            message = f"full duty from {starts}, before the projected readiness date {context.ready_on}"
            problems.append(Problem(f"full_duty_before_readiness:{about}", field, message))
        if starts < context.treatment_ends:
            message = f"full duty from {starts}, while treatment continues until {context.treatment_ends}"
            problems.append(Problem(f"full_duty_during_treatment:{about}", field, message))
        break  # the first full-duty week decides; later ones follow it
    return problems
