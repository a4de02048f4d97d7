"""The facts the progress computations work on: plain, immutable values built from the plan and its
session log (no ORM, no I/O), so every rule in this package is a pure function of them."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

# Demands measured by the load moved (kg); every other demand by how long it is tolerated (minutes).
LOAD_DEMANDS = frozenset({"lift_floor_waist", "lift_waist_shoulder", "lift_overhead", "carry", "push", "pull", "grip"})
# The force demands the DOT strength level is judged on (docs/domain/cases.md).
DOT_DEMANDS = frozenset({"lift_floor_waist", "lift_waist_shoulder", "lift_overhead", "carry", "push", "pull"})
FREQUENCY_RANK = {"occasional": 0, "frequent": 1, "constant": 2}


def measured_by_load(demand: str | None) -> bool:
    """Whether a demand's capacity is a load (kg) rather than a tolerated duration (minutes)."""
    return demand in LOAD_DEMANDS


def activity_label(kind: str, demand: str | None, frequency: str | None) -> str:
    """The name an activity goes by when the therapist gave it none: "work simulation: lift floor waist
    (occasional)"."""
    what = kind.replace("_", " ")
    if demand:
        what += ": " + demand.replace("_", " ")
    return f"{what} ({frequency})" if frequency else what


@dataclass(frozen=True)
class Dose:
    """A prescription or what was achieved: any of load, repetitions, sets and duration."""

    load_kg: float | None = None
    reps: int | None = None
    sets: int | None = None
    duration_min: float | None = None


@dataclass(frozen=True)
class ActivityResult:
    """One activity of one session: what was prescribed, what was achieved, and whether it was tolerated."""

    kind: str
    demand: str | None
    prescribed: Dose
    achieved: Dose
    tolerated: bool
    frequency: str = "occasional"  # the frequency the therapist judged the performance at
    activity_id: str | None = None  # the plan's activity it was (None: done without one in the plan)

    @property
    def key(self) -> str:
        """What its recommendations, decisions and progress rows are kept by: the plan's activity; for an
        activity done without one, its kind, demand and frequency."""
        return self.activity_id or f"{self.kind}:{self.demand or '-'}:{self.frequency}"

    @property
    def label(self) -> str:
        return activity_label(self.kind, self.demand, self.frequency)


@dataclass(frozen=True)
class SessionFacts:
    """One logged session (its current revision)."""

    day: date
    attendance: str  # attended, cancelled or no_show
    minutes: int
    work_simulation: bool
    pain_before: int | None = None
    pain_after: int | None = None
    activities: tuple[ActivityResult, ...] = field(default_factory=tuple)

    @property
    def attended(self) -> bool:
        return self.attendance == "attended"


@dataclass(frozen=True)
class PhaseFacts:
    """A treatment phase: weeks counted from the therapy start (week 1 begins on it)."""

    start_week: int
    end_week: int
    sessions_per_week: int
    minutes_per_session: int


@dataclass(frozen=True)
class Requirement:
    """Something the worker must be able to do: a job demand (or, when the job is unknown, a goal's target)."""

    demand: str
    frequency: str
    load_kg: float | None = None
    duration_min: float | None = None

    @property
    def required(self) -> float | None:
        """The number capacity is compared with (kg or minutes)."""
        return self.load_kg if measured_by_load(self.demand) else self.duration_min


@dataclass(frozen=True)
class Baseline:
    """The assessment a plan starts from (docs/domain/plans.md, "Drafts start from the case"): what the
    worker managed, the pain before treatment began, and the COPM ratings — where progress starts."""

    day: date
    pain: int | None = None
    capacities: tuple[ActivityResult, ...] = ()  # achieved and tolerated, at the frequency measured
    copm: tuple[tuple[int, int], ...] = ()  # (performance, satisfaction) per problem

    def observed(self) -> SessionFacts:
        """The assessment as the first observation of each capacity it measured (not a session: it is
        never counted in dosage, adherence or cost)."""
        return SessionFacts(self.day, "attended", 0, False, self.pain, None, self.capacities)
