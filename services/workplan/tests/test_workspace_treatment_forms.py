"""The session log's form and the progress charts' arithmetic, on their own (pure: no I/O): a form read into
the body the session API takes, what a refused form says, and round axis numbers and dates."""

from __future__ import annotations

from datetime import date

import pytest

from rtw_workplan.sessions.schemas import SessionIn
from rtw_workplan.workspace.charts import date_ticks, nice_step, share, value_ticks
from rtw_workplan.workspace.forms import FormError
from rtw_workplan.workspace.session_form import activity_rows, session_body

LIFT = {
    "activity_id": "7f0c1f3e-8a61-4d8e-9b0e-3b8f5c0d2a11",
    "name": "Tote lift from pallet",
    "kind": "work_simulation",
    "demand": "lift_floor_waist",
    "frequency": "occasional",
    "prescription": {"load_kg": 12.5, "reps": 10, "sets": 3, "duration_min": None},
}


def posted(**fields: str) -> dict[str, list[str]]:
    return {name: [value] for name, value in fields.items()}


def lift_row(**changes: str) -> dict[str, str]:
    row = {
        "act0_activity_id": LIFT["activity_id"],
        "act0_kind": "work_simulation",
        "act0_demand": "lift_floor_waist",
        "act0_name": "Tote lift from pallet",
        "act0_done": "on",
        "act0_p_load_kg": "12.5",
        "act0_p_reps": "10",
        "act0_p_sets": "3",
        "act0_a_load_kg": "12,5",
        "act0_a_reps": "8",
        "act0_a_sets": "3",
        "act0_outcome": "tolerated",
    }
    return row | changes


def test_todays_row_is_the_prescription_and_shows_only_the_fields_it_uses():
    [row] = activity_rows([LIFT])
    assert row["prescribed"] == row["achieved"] == {"load_kg": "12.5", "reps": "10", "sets": "3", "duration_min": ""}
    assert row["shown"] == ["load_kg", "reps", "sets"] and row["done"] is True


def test_a_logged_sessions_rows_show_what_was_achieved_and_leave_unticked_what_was_not_done():
    stand = {**LIFT, "activity_id": "5b3e...", "name": "Standing", "prescription": {"duration_min": 30}}
    done = [{"activity_id": LIFT["activity_id"], "prescribed": {"load_kg": 10}, "achieved": {"load_kg": 7.5}}]
    lift, standing = activity_rows([LIFT, stand], done)
    assert lift["achieved"]["load_kg"] == "7.5" and lift["done"] is True
    assert standing["done"] is False


def test_the_form_becomes_the_session_the_api_takes():
    form = posted(date="2026-03-02", minutes="90", work_simulation="on", pain_before="3", pain_after="4", effort="5.5")
    form |= posted(**lift_row(), act1_kind="conditioning", act1_p_duration_min="30")  # act1 not ticked
    body = session_body(form)
    assert SessionIn.model_validate(body).model_dump(mode="json", exclude_none=True) == {
        "date": "2026-03-02",
        "attendance": "attended",
        "minutes": 90,
        "work_simulation": True,
        "pain_before": 3,
        "pain_after": 4,
        "effort": 5.5,
        "activities": [
            {
                "activity_id": LIFT["activity_id"],
                "kind": "work_simulation",
                "demand": "lift_floor_waist",
                "prescribed": {"load_kg": 12.5, "reps": 10, "sets": 3},
                "achieved": {"load_kg": 12.5, "reps": 8, "sets": 3},
                "tolerated": True,
            }
        ],
    }


def test_a_cancelled_session_carries_its_reason_only():
    body = session_body(posted(date="2026-03-02", attendance="cancelled", absence_reason="flu", minutes="90"))
    assert body == {"date": "2026-03-02", "attendance": "cancelled", "absence_reason": "flu"}


def test_a_stopped_activity_needs_its_reason_and_a_number_must_be_one():
    form = posted(date="2026-03-02", pain_before="three", **lift_row(act0_outcome="stopped", act0_a_reps="8.5"))
    with pytest.raises(FormError) as refused:
        session_body(form)
    assert refused.value.problems == [
        "Pain before: “three” is not a number",
        "Tote lift from pallet: repetitions: a whole number, please (not 8.5)",
        "Tote lift from pallet: say why it was stopped",
    ]


@pytest.mark.parametrize(("span", "step"), [(150, 50.0), (60, 20.0), (1, 0.2), (480, 100.0), (12, 2.5)])
def test_axis_steps_are_round(span, step):
    assert nice_step(span) == pytest.approx(step)


def test_axis_numbers_cover_the_range_in_round_steps():
    assert value_ticks(0, 150) == [0, 50, 100, 150]
    assert value_ticks(20, 80) == [20, 40, 60, 80]
    assert value_ticks(0, 163) == [0, 50, 100, 150, 200]


def test_dates_on_the_axis_are_whole_weeks_and_at_most_seven():
    start = date(2026, 11, 2)
    assert date_ticks(start, date(2026, 11, 30)) == [date(2026, 11, d) for d in (2, 9, 16, 23, 30)]
    many = date_ticks(start, date(2027, 6, 1))
    assert len(many) <= 7 and all((d - start).days % 7 == 0 for d in many)


def test_a_capacity_is_a_share_of_the_jobs_demand():
    assert share(11.5, 23) == 50.0 and share(5, None) is None
