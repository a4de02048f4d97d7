"""Activities have identity (issue 22, point 4): an id kept across PUTs and revisions, a name, and a
frequency for force demands; sessions, recommendations, decisions and progress rows follow the activity,
so two activities on one demand stay two. The publication checks hold a load to the restrictions of its
demand that bind at its frequency."""

from __future__ import annotations

import copy
from datetime import timedelta

import pytest

from rtw_shared.testing import SESSION_DAY
from rtw_workplan.plans.schemas import PlanContent
from rtw_workplan.rules import checks
from rtw_workplan.rules.facts import Requirement

TODAY = SESSION_DAY  # the apps under test read session_clock: never a day apart
START = TODAY - timedelta(days=7)

OCCASIONAL = {
    "name": "carton pick from pallet",
    "kind": "work_simulation",
    "demand": "lift_floor_waist",
    "frequency": "occasional",
    "load_kg": 9,
    "reps": 10,
    "sets": 3,
}
FREQUENT = {**OCCASIONAL, "name": "tote restock", "frequency": "frequent", "load_kg": 6, "reps": 20}
TWO_LIFTS = {
    "start_date": START.isoformat(),
    "schedule_start_date": TODAY.isoformat(),
    "goals": [{"demand": "lift_floor_waist", "baseline": 5, "target": 20, "unit": "kg"}],
    "phases": [
        {
            "name": "Work hardening",
            "start_week": 1,
            "end_week": 4,
            "sessions_per_week": 3,
            "minutes_per_session": 90,
            "activities": [OCCASIONAL, FREQUENT],
        }
    ],
    "schedule": [
        {"week": 1, "hours_per_day": 4, "days_per_week": 5, "duties": "modified"},
        {"week": 2, "hours_per_day": 6, "days_per_week": 5, "duties": "modified"},
    ],
    "restrictions": [
        {"demand": "lift_floor_waist", "frequency": "occasional", "load_kg": 10},
        {"demand": "lift_floor_waist", "frequency": "frequent", "load_kg": 6},
    ],
    "accommodations": [],
}


def publish_acknowledging(client, tokens, plan_id):
    """Publish, acknowledging whatever clinical warnings the plan raises."""
    answer = client.post(f"/v1/plans/{plan_id}/publish", headers=tokens.headers("tara"))
    if answer.status_code == 422 and "warnings" in answer.json() and not answer.json().get("problems"):
        codes = [w["code"] for w in answer.json()["warnings"]]
        answer = client.post(
            f"/v1/plans/{plan_id}/publish", json={"acknowledge": codes}, headers=tokens.headers("tara")
        )
    assert answer.status_code == 200, answer.text
    return answer.json()


@pytest.fixture
def two_lifts(client, tokens, draft_plan):
    """The issue's example, published: an occasional lift 9 kg x 10 and a frequent lift 6 kg x 20."""
    filled = client.put(f"/v1/plans/{draft_plan}", json=TWO_LIFTS, headers=tokens.headers("tara"))
    assert filled.status_code == 200, filled.text
    return publish_acknowledging(client, tokens, draft_plan)


def lift_result(activity: dict, *, by_id: bool, day: int, achieved: float | None = None, **extra) -> dict:
    result = {
        "kind": activity["kind"],
        "demand": activity["demand"],
        "prescribed": {"load_kg": activity["load_kg"], "reps": activity["reps"], "sets": activity["sets"]},
        "achieved": {"load_kg": achieved or activity["load_kg"], "reps": activity["reps"], "sets": activity["sets"]},
        **extra,
    }
    return {**result, "activity_id": activity["id"]} if by_id else {**result, "frequency": activity["frequency"]}


def session(day: int, results: list[dict], pain=(3, 3)) -> dict:
    return {
        "date": (START + timedelta(days=day)).isoformat(),
        "minutes": 90,
        "work_simulation": True,
        "pain_before": pain[0],
        "pain_after": pain[1],
        "activities": results,
    }


def test_each_activity_gets_an_id_a_name_and_force_activities_a_frequency(client, tokens, draft_plan):
    body = copy.deepcopy(TWO_LIFTS)
    body["phases"][0]["activities"] = [
        {"kind": "work_simulation", "demand": "carry", "load_kg": 5},
        {"kind": "conditioning", "demand": "stand", "duration_min": 30},
    ]
    answer = client.put(f"/v1/plans/{draft_plan}", json=body, headers=tokens.headers("tara")).json()
    carry, stand = answer["phases"][0]["activities"]
    assert carry["id"] and stand["id"] and carry["id"] != stand["id"]
    assert (carry["name"], carry["frequency"]) == ("work simulation: carry (occasional)", "occasional")
    assert (stand["name"], stand["frequency"]) == ("conditioning: stand", None)


def test_ids_are_kept_across_puts_and_revisions(client, tokens, draft_plan):
    first = client.put(f"/v1/plans/{draft_plan}", json=TWO_LIFTS, headers=tokens.headers("tara")).json()
    ids = [a["id"] for a in first["phases"][0]["activities"]]
    goal_id = first["goals"][0]["id"]
    # The same body again (no ids in it): the same activities, the same ids, nothing changed.
    again = client.put(f"/v1/plans/{draft_plan}", json=TWO_LIFTS, headers=tokens.headers("tara"))
    assert [a["id"] for a in again.json()["phases"][0]["activities"]] == ids
    assert again.headers["ETag"] == '"2"'
    # An edited load, still without ids: the activity at that place, of that kind and demand, keeps its id.
    edited = copy.deepcopy(TWO_LIFTS)
    edited["phases"][0]["activities"][0]["load_kg"] = 9.5
    edited["goals"][0]["target"] = 22
    changed = client.put(f"/v1/plans/{draft_plan}", json=edited, headers=tokens.headers("tara")).json()
    assert [a["id"] for a in changed["phases"][0]["activities"]] == ids and changed["goals"][0]["id"] == goal_id
    # Reordered with their ids: each keeps its own.
    swapped = copy.deepcopy(changed)
    swapped["phases"][0]["activities"].reverse()
    answer = client.put(f"/v1/plans/{draft_plan}", json=swapped, headers=tokens.headers("tara")).json()
    assert [a["id"] for a in answer["phases"][0]["activities"]] == ids[::-1]
    published = publish_acknowledging(client, tokens, draft_plan)
    revision = client.post(f"/v1/plans/{published['id']}/revisions", headers=tokens.headers("tara")).json()
    assert [a["id"] for a in revision["phases"][0]["activities"]] == ids[::-1]
    assert revision["goals"][0]["id"] == goal_id


def test_one_id_used_twice_is_422(client, tokens, draft_plan):
    body = client.put(f"/v1/plans/{draft_plan}", json=TWO_LIFTS, headers=tokens.headers("tara")).json()
    body["phases"][0]["activities"][1]["id"] = body["phases"][0]["activities"][0]["id"]
    refused = client.put(f"/v1/plans/{draft_plan}", json=body, headers=tokens.headers("tara"))
    assert refused.status_code == 422 and refused.json()["detail"].startswith("phases: ")


def test_two_activities_on_one_demand_stay_two_rows_with_their_own_recommendations(client, tokens, two_lifts):
    plan_id = two_lifts["id"]
    occasional, frequent = two_lifts["phases"][0]["activities"]
    url = f"/v1/plans/{plan_id}/sessions"
    first = session(0, [lift_result(a, by_id=True, day=0) for a in (occasional, frequent)])
    assert client.post(url, json=first, headers=tokens.headers("tara")).status_code == 201
    # The second names them by frequency only: the plan has one of each, so each is found.
    second = session(2, [lift_result(a, by_id=False, day=2) for a in (occasional, frequent)], pain=(3, 4))
    logged = client.post(url, json=second, headers=tokens.headers("tara"))
    assert logged.status_code == 201, logged.text
    recommended = {r["activity_id"]: r for r in logged.json()["recommendations"]}
    assert {r["name"]: (r["action"], r["next_prescription"]["load_kg"]) for r in recommended.values()} == {
        "carton pick from pallet": ("advance", 10.0),
        "tote restock": ("advance", 6.5),
    }
    assert set(recommended) == {occasional["id"], frequent["id"]}
    decisions = f"{url}/{logged.json()['id']}/decisions"
    accept = client.post(
        decisions, json={"activity_id": occasional["id"], "decision": "accept"}, headers=tokens.headers("tara")
    )
    assert (accept.status_code, accept.json()["activity_id"], accept.json()["prescription"]["load_kg"]) == (
        201,
        occasional["id"],
        10.0,
    )
    override = {
        "activity_id": frequent["id"],
        "decision": "override",
        "chosen": "hold",
        "reason": "grip fatigue at 20 reps",
        "prescription": {"load_kg": 6, "reps": 20, "sets": 3},
    }
    assert client.post(decisions, json=override, headers=tokens.headers("tara")).status_code == 201
    # By kind and demand alone, the decision could mean either lift: 422 naming both.
    vague = client.post(
        decisions,
        json={"kind": "work_simulation", "demand": "lift_floor_waist", "decision": "accept"},
        headers=tokens.headers("tara"),
    )
    assert vague.status_code == 422 and occasional["id"] in vague.json()["detail"]
    progress = client.get(f"/v1/plans/{plan_id}/progress", headers=tokens.headers("tara")).json()
    rows = {a["activity_id"]: a for a in progress["activities"]}
    assert set(rows) == {occasional["id"], frequent["id"]}
    assert (rows[occasional["id"]]["current_prescription"]["load_kg"], rows[occasional["id"]]["capacity"]) == (10, 9)
    assert (rows[frequent["id"]]["current_prescription"]["load_kg"], rows[frequent["id"]]["frequency"]) == (
        6,
        "frequent",
    )
    assert rows[frequent["id"]]["decision"]["overridden"] is True
    [occasional_line] = [c for c in progress["capacity"] if c["frequency"] == "occasional"]
    assert occasional_line["activity_ids"] == [occasional["id"]]


@pytest.mark.parametrize(
    ("result", "message"),
    [
        ({"kind": "work_simulation", "demand": "lift_floor_waist"}, "name the one performed"),
        ({"kind": "work_simulation", "activity_id": "5b1c8c52-0b1e-4a5c-9bd1-1f8f1d0c2a3e"}, "has no activity"),
        ({"kind": "education", "activity_id": None}, None),
    ],
)
def test_a_result_the_plan_cannot_tell_is_422_naming_it(client, tokens, two_lifts, result, message):
    body = session(0, [{**result, "prescribed": {"load_kg": 9}, "achieved": {"load_kg": 9}}])
    answer = client.post(f"/v1/plans/{two_lifts['id']}/sessions", json=body, headers=tokens.headers("tara"))
    if message is None:  # an activity the plan does not have is kept by its kind, demand and frequency
        assert answer.status_code == 201, answer.text
        assert answer.json()["recommendations"][0]["activity_id"] is None
        return
    assert (answer.status_code, answer.json()["field"]) == (422, "activities.0.activity_id")
    assert message in answer.json()["detail"]


def _content(activity_frequency: str, load: float) -> PlanContent:
    return PlanContent.model_validate(
        {
            "phases": [
                {
                    "name": "p",
                    "start_week": 1,
                    "end_week": 1,
                    "sessions_per_week": 1,
                    "minutes_per_session": 60,
                    "activities": [
                        {
                            "id": "8d5a9c9e-2f6b-4c1e-9a51-0d3e5b7a1c20",
                            "kind": "work_simulation",
                            "demand": "lift_floor_waist",
                            "frequency": activity_frequency,
                            "load_kg": load,
                        }
                    ],
                }
            ],
            "restrictions": [
                {"demand": "lift_floor_waist", "frequency": "occasional", "load_kg": 10},
                {"demand": "lift_floor_waist", "frequency": "frequent", "load_kg": 5},
            ],
        }
    )


CONTEXT = checks.Context(
    job_demands=[Requirement("lift_floor_waist", "occasional", 20)],
    job_hours_per_day=8,
    job_days_per_week=5,
    therapy_start=START,
    schedule_start=TODAY,
    treatment_ends=START,
    ready_on=None,
)


@pytest.mark.parametrize(
    ("frequency", "load", "limit"),
    [
        ("occasional", 8, None),  # the frequent limit of 5 kg does not bind an occasional lift
        ("occasional", 11, "10.0 kg for lift_floor_waist (occasional)"),
        ("frequent", 6, "5.0 kg for lift_floor_waist (frequent)"),
        ("constant", 4, None),
        ("constant", 7, "5.0 kg for lift_floor_waist (frequent)"),  # the tightest binding limit
    ],
)
def test_a_load_is_checked_against_the_restrictions_binding_at_its_frequency(frequency, load, limit):
    warnings = [w for w in checks.check(_content(frequency, load), CONTEXT).warnings if "restriction" in w.code]
    if limit is None:
        assert warnings == []
    else:
        [warning] = warnings
        assert warning.code == "load_above_restriction:activity.8d5a9c9e-2f6b-4c1e-9a51-0d3e5b7a1c20"
        assert warning.message.endswith(f"above the restriction's {limit}")
