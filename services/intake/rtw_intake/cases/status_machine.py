"""The case status machine (docs/domain/cases.md): referred → assessing → plan_active → modified_duty →
full_duty → closed, one step at a time; `on_hold` from any open state and back to where it
was; `withdrawn` from any open state. `closed` and `withdrawn` are final. Pure: no I/O."""

from __future__ import annotations

from dataclasses import dataclass

FLOW = ("referred", "assessing", "plan_active", "modified_duty", "full_duty", "closed")
ON_HOLD, WITHDRAWN = "on_hold", "withdrawn"
FINAL = frozenset({"closed", WITHDRAWN})
ALL_STATUSES = frozenset({*FLOW, ON_HOLD, WITHDRAWN})
NEEDS_REASON = frozenset({ON_HOLD, WITHDRAWN})


@dataclass(frozen=True)
class CaseState:
    status: str
    status_before_hold: str | None = None


class IllegalTransitionError(ValueError):
    """The move is not allowed from the current status; the message says why."""


def transition(state: CaseState, to: str) -> CaseState:
    """The state after moving to `to`, or IllegalTransitionError explaining the refusal."""
    if to not in ALL_STATUSES:
        raise IllegalTransitionError(f"unknown status {to!r}")
    if state.status in FINAL:
        raise IllegalTransitionError(f"the case is {state.status}; it cannot move any more")
    if to == state.status:
        raise IllegalTransitionError(f"the case is already {to}")
    if to == WITHDRAWN:
        return CaseState(WITHDRAWN)
    if state.status == ON_HOLD:
        if to != state.status_before_hold:
            raise IllegalTransitionError(
                f"the case is on hold: it can resume to {state.status_before_hold} or be withdrawn"
            )
        return CaseState(to)
    if to == ON_HOLD:
        return CaseState(ON_HOLD, status_before_hold=state.status)
    return CaseState(_next_in_flow(state.status, to))


def _next_in_flow(current: str, to: str) -> str:
    expected = FLOW[FLOW.index(current) + 1]
    if to != expected:
        raise IllegalTransitionError(f"from {current} the case can move to {expected}, on_hold or withdrawn, not {to}")
    return to


def allowed_moves(state: CaseState) -> list[str]:
    """Every status the case may move to next (for clients that offer a choice)."""
    moves = []
    for candidate in sorted(ALL_STATUSES):
        try:
            transition(state, candidate)
            moves.append(candidate)
        except IllegalTransitionError:
            continue
    return moves


# Where the work itself may move a case forward from: anywhere in the open flow. A plan can only be
# published (or its schedule begin) once someone assessed the worker, so a case still `referred` when
# the work arrives walks through `assessing` too: no published plan ever sits beside `referred`.
FOLLOWS_THE_WORK_FROM = FLOW[: FLOW.index("closed")]


def steps_towards(state: CaseState, to: str) -> list[str]:
    """The flow statuses a case passes through to reach `to`, each a legal single transition; [] when
    the case is not in the open flow (on hold, ended), or is already at or past `to` (never backwards)."""
    if to not in FLOW or state.status not in FOLLOWS_THE_WORK_FROM:
        return []
    here, there = FLOW.index(state.status), FLOW.index(to)
    steps = list(FLOW[here + 1 : there + 1])
    current = state
    for step in steps:  # through the machine, so a rule it gains later holds here too
        current = transition(current, step)
    return steps


def held_towards(state: CaseState, to: str) -> CaseState | None:
    """An on-hold case the work moved on: still on hold, but resuming to `to` rather than to a status
    the work has passed (a plan published while on hold from `referred` resumes to `plan_active`).
    None when the case is not on hold, or its resume point is already at or past `to`."""
    if (
        state.status != ON_HOLD
        or to not in FOLLOWS_THE_WORK_FROM
        or state.status_before_hold not in FOLLOWS_THE_WORK_FROM
    ):
        return None
    if not steps_towards(CaseState(state.status_before_hold), to):
        return None
    return CaseState(ON_HOLD, status_before_hold=to)
