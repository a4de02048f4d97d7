"""The plan builder's form (workspace/plan_form.py) and what changed between versions (plan_changes.py):
pure, so each reading is tested on its own. The form's inputs are named by the API body's field paths, so a
problem the API names lands on the input of that name."""

from __future__ import annotations

import uuid

from rtw_workplan.plans.schemas import PlanPut
from rtw_workplan.workspace.plan_changes import side_by_side
from rtw_workplan.workspace.plan_form import apply_action, body_of, field_id, form_state, state_of, validated

GOAL_ID = str(uuid.uuid4())
CONTENT = {
    "goals": [
        {
            "id": GOAL_ID,
            "demand": "lift_floor_waist",
            "frequency": "occasional",
            "baseline": 8.0,
            "target": 20.0,
            "unit": "kg",
            "description": "Lift a 20 kg tote",
            "weight": 2.0,
            "gas": {"minus_2": "5 kg", "minus_1": "10 kg", "zero": "15 kg", "plus_1": "18 kg", "plus_2": "20 kg"},
        }
    ],
    "phases": [
        {
            "name": "Conditioning",
            "start_week": 1,
            "end_week": 2,
            "sessions_per_week": 3,
            "minutes_per_session": 60,
            "activities": [
                {"kind": "work_simulation", "name": "Tote lift", "demand": "lift_floor_waist", "load_kg": 7.5}
            ],
        }
    ],
    "schedule": [
        {"week": 1, "hours_per_day": 4.0, "days_per_week": 5, "duties": "modified"},
        {"week": 2, "hours_per_day": 8.0, "days_per_week": 5, "duties": "full"},
    ],
    "restrictions": [{"demand": "lift_floor_waist", "frequency": "occasional", "load_kg": 10.0}],
    "accommodations": [{"category": "modified_duties", "description": "No floor-level picking"}],
    "schedule_start_date": "2027-01-04",
}


def posted(state: dict) -> dict[str, list[str]]:
    """The form the page shows for `state`, as the browser posts it (every input by its path)."""
    form: dict[str, list[str]] = {k: [state[k]] for k in ("start_date", "schedule_start_date", "next_review_date")}
    form["restrictions_json"] = [state["restrictions_json"]]

    def walk(prefix: str, value: object) -> None:
        if isinstance(value, dict):
            for key, inner in value.items():
                walk(f"{prefix}.{key}", inner)
        elif isinstance(value, list):
            for i, inner in enumerate(value):
                walk(f"{prefix}.{i}", inner)
        else:
            form[prefix] = [str(value)]

    for part in ("goals", "phases", "schedule", "accommodations"):
        walk(part, state[part])
    return form


def test_a_plan_goes_to_the_form_and_back_unchanged():
    state = form_state(posted(state_of(CONTENT)))
    content, problems = validated(state)
    assert problems == {} and content is not None
    assert content.stored() == PlanPut.model_validate(CONTENT).stored()


def test_a_number_that_is_not_one_is_named_against_its_own_input_once():
    form = posted(state_of(CONTENT))
    form["phases.0.activities.0.load_kg"] = ["seven"]
    form["schedule.1.days_per_week"] = ["4.5"]
    content, problems = validated(form_state(form))
    assert content is None
    assert problems == {
        "phases.0.activities.0.load_kg": ["“seven” is not a number"],
        "schedule.1.days_per_week": ["4.5 is not a whole number"],
    }
    assert field_id("phases.0.activities.0.load_kg") == "f-phases-0-activities-0-load_kg"


def test_the_apis_own_rules_name_their_fields_in_plain_words():
    form = posted(state_of(CONTENT))
    form["goals.0.gas.minus_1"] = [""]  # a GAS row half written
    form["phases.0.end_week"] = ["0"]
    _, problems = validated(form_state(form))
    assert problems["goals.0.gas.minus_1"] == ["write something here"]
    assert list(problems) == ["goals.0.gas.minus_1", "phases.0.end_week"]


def test_an_empty_gas_row_is_no_gas_row_and_empty_fields_are_left_out():
    form = posted(state_of(CONTENT))
    for level in ("minus_2", "minus_1", "zero", "plus_1", "plus_2"):
        form[f"goals.0.gas.{level}"] = [""]
    form["goals.0.essential_function"] = [""]
    body, problems = body_of(form_state(form))
    assert problems == {} and "gas" not in body["goals"][0] and "essential_function" not in body["goals"][0]


def test_rows_are_added_and_removed_without_saving():
    state = state_of(CONTENT)
    assert apply_action(state, "add:schedule") and state["schedule"][-1]["week"] == "3"
    assert apply_action(state, "add:phases.0.activities") and state["phases"][0]["activities"][-1]["kind"]
    assert apply_action(state, "remove:goals.0") and state["goals"] == []
    assert apply_action(state, "add:phases") and state["phases"][-1]["start_week"] == "3"
    assert not apply_action(state, "remove:goals.7") and not apply_action(state, "drop:goals.0")


def test_what_changed_side_by_side_marks_only_the_lines_that_differ():
    later = {**CONTENT, "schedule": [*CONTENT["schedule"][:1], {**CONTENT["schedule"][1], "hours_per_day": 6.0}]}
    [part] = side_by_side(CONTENT, later)
    assert part.title == "Graduated schedule"
    assert [(line.text, line.changed) for line in part.before] == [
        ("Week 1: 4 h a day, 5 days, modified duties", False),
        ("Week 2: 8 h a day, 5 days, full duties", True),
    ]
    assert [line.text for line in part.after if line.changed] == ["Week 2: 6 h a day, 5 days, full duties"]
    assert side_by_side(CONTENT, CONTENT) == []
