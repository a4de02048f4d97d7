"""The API round-trips (issue 22, point 6) and dates everywhere (point 7): a PUT accepts what a GET returned
(its read-only fields ignored), a revision's ETag moves by one per change, acknowledged warnings say who
and when and carry over to a revision while their cause is unchanged, GAS scores name goals by id, and
each schedule week has its dates."""

from __future__ import annotations

import copy
from datetime import datetime, timedelta

import pytest

from rtw_shared.events import Envelope, Job
from rtw_shared.testing import SESSION_DAY

from .worked_example import JOB, plan_body

TODAY = SESSION_DAY  # the apps under test read session_clock: never a day apart
START = TODAY - timedelta(days=28)


@pytest.fixture
def picker_draft(client, tokens, deliver, case_story):
    """A worked-example case's draft, filled in: (plan id, the GET's body)."""
    story = case_story()
    deliver(Envelope(source="intake", data=story.created().data.model_copy(update={"job": Job(**JOB)})))
    [plan] = client.get(f"/v1/plans?case_id={story.case_id}", headers=tokens.headers("tara")).json()["items"]
    body = plan_body(START, START + timedelta(days=7))  # full duty during treatment: warnings to acknowledge
    body["phases"][0]["activities"][0]["load_kg"] = 20  # above the 15 kg restriction
    assert client.put(f"/v1/plans/{plan['id']}", json=body, headers=tokens.headers("tara")).status_code == 200
    return plan["id"]


def read(client, tokens, plan_id, user="tara"):
    answer = client.get(f"/v1/plans/{plan_id}", headers=tokens.headers(user))
    assert answer.status_code == 200, answer.text
    return answer.json(), answer.headers["ETag"]


def publish(client, tokens, plan_id, acknowledge=None):
    body = {"acknowledge": acknowledge} if acknowledge is not None else None
    return client.post(f"/v1/plans/{plan_id}/publish", json=body, headers=tokens.headers("tara"))


def test_a_put_of_what_the_get_returned_is_accepted_and_changes_nothing(client, tokens, picker_draft):
    body, etag = read(client, tokens, picker_draft)
    assert {"id", "status", "projections", "created_at", "clinic_org_id"} <= set(body)
    again = client.put(f"/v1/plans/{picker_draft}", json=body, headers={**tokens.headers("tara"), "If-Match": etag})
    assert again.status_code == 200, again.text
    assert again.headers["ETag"] == etag  # nothing changed
    # Read-only fields are ignored, whatever they say.
    tampered = {**body, "status": "published", "version": 9, "id": "not even an id", "projections": None}
    answer = client.put(f"/v1/plans/{picker_draft}", json=tampered, headers=tokens.headers("tara"))
    assert (answer.status_code, answer.json()["status"], answer.json()["version"]) == (200, "draft", 1)
    # An unknown field is still refused, naming it.
    unknown = client.put(f"/v1/plans/{picker_draft}", json={**body, "colour": "red"}, headers=tokens.headers("tara"))
    assert (unknown.status_code, unknown.json()["detail"]) == (422, "colour: Extra inputs are not permitted")


def test_a_revisions_etag_moves_by_one_per_change(client, tokens, picker_draft):
    codes = [w["code"] for w in publish(client, tokens, picker_draft).json()["warnings"]]
    assert publish(client, tokens, picker_draft, codes).status_code == 200
    revision = client.post(f"/v1/plans/{picker_draft}/revisions", headers=tokens.headers("tara"))
    assert revision.headers["ETag"] == '"1"'
    body = copy.deepcopy(revision.json())
    body["goals"][0]["target"] = 25
    etags = []
    for target in (25, 26):
        body["goals"][0]["target"] = target
        answer = client.put(
            f"/v1/plans/{body['id']}",
            json=body,
            headers={**tokens.headers("tara"), "If-Match": etags[-1] if etags else '"1"'},
        )
        assert answer.status_code == 200, answer.text
        etags.append(answer.headers["ETag"])
        assert answer.json()["changes"] == ["goals"]
    assert etags == ['"2"', '"3"']


def test_acknowledged_warnings_say_who_and_when_and_carry_over_while_unchanged(client, tokens, picker_draft):
    warned = publish(client, tokens, picker_draft).json()["warnings"]
    codes = [w["code"] for w in warned]
    published = publish(client, tokens, picker_draft, codes).json()
    first = {w["code"]: w for w in published["acknowledged_warnings"]}
    assert {(w["acknowledged_by_username"], w["acknowledged_on_version"]) for w in first.values()} == {("tara", 1)}
    assert all(datetime.fromisoformat(w["acknowledged_at"]).date() == TODAY for w in first.values())
    revision = client.post(f"/v1/plans/{picker_draft}/revisions", headers=tokens.headers("tara")).json()
    # Nothing changed: every warning is the same, and carries over without being acknowledged again.
    carried = publish(client, tokens, revision["id"])
    assert carried.status_code == 200, carried.text
    assert {w["code"]: w for w in carried.json()["acknowledged_warnings"]} == first
    # A heavier load changes the load warning's cause: that one must be acknowledged again, alone.
    third = client.post(f"/v1/plans/{revision['id']}/revisions", headers=tokens.headers("tara")).json()
    third["phases"][0]["activities"][0]["load_kg"] = 22
    assert client.put(f"/v1/plans/{third['id']}", json=third, headers=tokens.headers("tara")).status_code == 200
    again = publish(client, tokens, third["id"])
    assert again.status_code == 422
    [load] = again.json()["warnings"]
    assert load["code"].startswith("load_above_restriction:activity.") and "22.0 kg" in load["message"]
    done = publish(client, tokens, third["id"], [load["code"]]).json()["acknowledged_warnings"]
    assert {w["acknowledged_on_version"] for w in done if w["code"] == load["code"]} == {3}
    assert {w["acknowledged_on_version"] for w in done if w["code"] != load["code"]} == {1}


def test_gas_scores_name_goals_by_id(client, tokens, picker_draft):
    codes = [w["code"] for w in publish(client, tokens, picker_draft).json()["warnings"]]
    plan = publish(client, tokens, picker_draft, codes).json()
    lift, stand = (g["id"] for g in plan["goals"])
    url = f"/v1/plans/{picker_draft}/reviews"
    scored = {
        "date": TODAY.isoformat(),
        "gas": [{"goal_id": stand, "attainment": 1}, {"goal_id": lift, "attainment": 0}],
    }
    assert client.post(url, json=scored, headers=tokens.headers("tara")).status_code == 201
    report = client.get(f"/v1/plans/{picker_draft}/progress", headers=tokens.headers("tara")).json()
    # Weights 2 (lift, 0) and 1 (stand, +1): 10 / √(0.7·5 + 0.3·9) = 4.02 → 54.02.
    assert report["gas"]["latest_t_score"] == 54.02
    unknown = {"date": TODAY.isoformat(), "gas": [{"goal_id": plan["id"], "attainment": 0}]}
    refused = client.post(url, json=unknown, headers=tokens.headers("tara"))
    assert (refused.status_code, refused.json()["field"]) == (422, "gas.0.goal_id")
    both = {"date": TODAY.isoformat(), "gas": [{"goal_id": lift, "goal": 0, "attainment": 0}]}
    assert client.post(url, json=both, headers=tokens.headers("tara")).status_code == 422


def test_each_schedule_week_has_its_dates(client, tokens, picker_draft):
    codes = [w["code"] for w in publish(client, tokens, picker_draft).json()["warnings"]]
    publish(client, tokens, picker_draft, codes)
    week_1 = START + timedelta(days=7)
    for user in ("tara", "ivy"):
        plan, _ = read(client, tokens, picker_draft, user)
        assert [(w["week"], w["starts_on"], w["ends_on"]) for w in plan["schedule"]] == [
            (n, (week_1 + timedelta(days=7 * (n - 1))).isoformat(), (week_1 + timedelta(days=7 * n - 1)).isoformat())
            for n in (1, 2, 3)
        ]
