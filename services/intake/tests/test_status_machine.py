"""The case status machine, pure: examples and properties (hypothesis)."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from rtw_intake.cases.status_machine import (
    ALL_STATUSES,
    FINAL,
    FLOW,
    ON_HOLD,
    WITHDRAWN,
    CaseState,
    IllegalTransitionError,
    allowed_moves,
    held_towards,
    steps_towards,
    transition,
)


def walk(moves: list[str]) -> CaseState:
    state = CaseState("referred")
    for move in moves:
        state = transition(state, move)
    return state


def test_the_happy_path_goes_one_step_at_a_time_to_closed():
    assert walk(list(FLOW[1:])).status == "closed"


@pytest.mark.parametrize(
    ("start", "to", "why"),
    [
        ("referred", "plan_active", "can move to assessing"),
        ("assessing", "referred", "can move to plan_active"),
        ("closed", "referred", "cannot move any more"),
        ("withdrawn", "on_hold", "cannot move any more"),
        ("assessing", "assessing", "already assessing"),
    ],
)
def test_illegal_moves_are_refused_with_the_reason(start, to, why):
    with pytest.raises(IllegalTransitionError, match=why):
        transition(CaseState(start), to)


def test_on_hold_resumes_only_where_it_was_or_is_withdrawn():
    held = walk(["assessing", ON_HOLD])
    assert held == CaseState(ON_HOLD, status_before_hold="assessing")
    with pytest.raises(IllegalTransitionError, match="resume to assessing"):
        transition(held, "plan_active")
    assert transition(held, "assessing") == CaseState("assessing")
    assert transition(held, WITHDRAWN) == CaseState(WITHDRAWN)


def test_allowed_moves_lists_exactly_what_transition_accepts():
    assert allowed_moves(CaseState("assessing")) == sorted([ON_HOLD, "plan_active", WITHDRAWN])
    assert allowed_moves(CaseState("closed")) == []


@given(st.lists(st.sampled_from([*sorted(ALL_STATUSES), "bogus"]), max_size=40))
def test_no_sequence_of_moves_reaches_an_illegal_state(attempts):
    state, history = CaseState("referred"), []
    for to in attempts:
        try:
            new = transition(state, to)
        except IllegalTransitionError:
            continue
        assert new.status in ALL_STATUSES
        assert (new.status == ON_HOLD) == (new.status_before_hold is not None)
        assert new.status_before_hold is None or new.status_before_hold not in FINAL | {ON_HOLD}
        assert state.status not in FINAL, "a final state never moves"
        if state.status in FLOW and new.status in FLOW:
            assert FLOW.index(new.status) == FLOW.index(state.status) + 1, "the flow moves one step forward"
        if state.status == ON_HOLD and new.status != WITHDRAWN:
            assert new.status == state.status_before_hold
        history.append(new.status)
        state = new
    assert all(history.count(s) <= 1 for s in FINAL)


# --- the work moves the case (status_machine.steps_towards) ----------------------------------------
@pytest.mark.parametrize(
    ("state", "to", "steps"),
    [
        (CaseState("assessing"), "plan_active", ["plan_active"]),
        (CaseState("plan_active"), "modified_duty", ["modified_duty"]),
        (CaseState("plan_active"), "full_duty", ["modified_duty", "full_duty"]),
        (CaseState("assessing"), "full_duty", ["plan_active", "modified_duty", "full_duty"]),
        # Published work means the worker was assessed: no published plan sits beside `referred`.
        (CaseState("referred"), "plan_active", ["assessing", "plan_active"]),
        (CaseState("referred"), "full_duty", ["assessing", "plan_active", "modified_duty", "full_duty"]),
        (CaseState("modified_duty"), "plan_active", []),  # never backwards
        (CaseState("full_duty"), "full_duty", []),  # already there
        (CaseState("on_hold", "plan_active"), "modified_duty", []),
        (CaseState("withdrawn"), "modified_duty", []),
        (CaseState("closed"), "full_duty", []),
        (CaseState("assessing"), "closed", ["plan_active", "modified_duty", "full_duty", "closed"]),
        (CaseState("assessing"), "on_hold", []),  # not a flow status
    ],
)
def test_the_work_moves_a_case_forward_one_legal_step_at_a_time(state, to, steps):
    assert steps_towards(state, to) == steps


@pytest.mark.parametrize(
    ("state", "to", "held"),
    [
        (CaseState("on_hold", "referred"), "plan_active", CaseState("on_hold", "plan_active")),
        (CaseState("on_hold", "assessing"), "modified_duty", CaseState("on_hold", "modified_duty")),
        (CaseState("on_hold", "plan_active"), "plan_active", None),  # already resumes there
        (CaseState("on_hold", "full_duty"), "modified_duty", None),  # never backwards
        (CaseState("on_hold", "referred"), "closed", None),  # the work does not close a case
        (CaseState("referred"), "plan_active", None),  # not on hold: steps_towards moves it
        (CaseState("withdrawn"), "plan_active", None),
    ],
)
def test_the_work_moves_where_an_on_hold_case_resumes_never_its_hold(state, to, held):
    assert held_towards(state, to) == held


@given(st.sampled_from(sorted(ALL_STATUSES)), st.sampled_from(FLOW))
def test_whatever_the_work_does_no_case_it_reached_is_left_before_it(status, to):
    """After the work moved a case towards `to`, the case is at or past it — or on hold resuming at or
    past it — unless it ended or was already further."""
    state = CaseState(status, "referred" if status == ON_HOLD else None)
    for step in steps_towards(state, to):
        state = transition(state, step)
    state = held_towards(state, to) or state
    where = state.status_before_hold if state.status == ON_HOLD else state.status
    if to != "closed" and where in FLOW:
        assert FLOW.index(where) >= FLOW.index(to)
