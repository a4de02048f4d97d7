"""Workplan's FHIR R4 API (docs/fhir.md) on the real database and real tokens: a CarePlan per plan version
linked by `replaces`, the goals with their GAS rows, the sessions', GAS and COPM Observations — each valid
FHIR R4, each as the caller's role view shows it; employers read none (403), a worker's withdrawn consent
hides them from the insurer."""

from __future__ import annotations

import importlib.util
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import text

from rtw_shared.events import Envelope, Job
from rtw_workplan.app import create_app

_VALIDATE = Path(__file__).resolve().parents[3] / "tests/fhir/validate.py"
_spec = importlib.util.spec_from_file_location("fhir_validate", _VALIDATE)
validate = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(validate)
_EXAMPLE = Path(__file__).with_name("worked_example.py")
_spec = importlib.util.spec_from_file_location("worked_example", _EXAMPLE)
example = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(example)

FHIR = "/fhir/R4"


def search(client, tokens, user, resource_type, case_id):
    answer = client.get(f"{FHIR}/{resource_type}", params={"patient": case_id}, headers=tokens.headers(user))
    assert answer.status_code == 200, answer.text
    bundle = answer.json()
    validate.r4(bundle)
    return [e["resource"] for e in bundle["entry"]]


@pytest.fixture
def client(workplan_settings, clock):
    with TestClient(create_app(workplan_settings, clock=clock)) as test_client:
        yield test_client


@pytest.fixture
def story(deliver, case_story):
    """The worked example's case (its job's demands from intake)."""
    told = case_story()
    created = told.created()
    deliver(Envelope(source="intake", data=created.data.model_copy(update={"job": Job(**example.JOB)})))
    return told


@pytest.fixture
def deliver_consent(deliver, story):
    return lambda consent, granted: deliver(story.consent(consent, granted))


@pytest.fixture
def revised(client, tokens, story, clock):
    """The picker's plan published, a session logged and a review recorded, then revised and published again."""
    case_id = str(story.case_id)
    headers = tokens.headers("tara")
    [plan] = client.get("/v1/plans", params={"case_id": case_id}, headers=headers).json()["items"]
    plan_id = plan["id"]
    today = clock().date()
    body = example.plan_body(today, today)
    assert client.put(f"/v1/plans/{plan_id}", json=body, headers=headers).status_code == 200
    publish(client, tokens, plan_id)
    logged = client.post(f"/v1/plans/{plan_id}/sessions", json=example.session_body(0, today), headers=headers)
    assert logged.status_code == 201, logged.text
    goals = client.get(f"/v1/plans/{plan_id}", headers=headers).json()["goals"]
    review = {
        "date": today.isoformat(),
        "gas": [{"goal_id": goals[0]["id"], "attainment": 1}],
        "copm": [{"problem": "Lifting totes", "importance": 9, "performance": 6, "satisfaction": 5}],
    }
    assert client.post(f"/v1/plans/{plan_id}/reviews", json=review, headers=headers).status_code == 201
    draft = client.post(f"/v1/plans/{plan_id}/revisions", headers=headers).json()
    assert client.put(f"/v1/plans/{draft['id']}", json=body, headers=headers).status_code == 200
    publish(client, tokens, draft["id"])
    return case_id, plan_id, draft["id"]


def publish(client, tokens, plan_id):
    answer = client.post(f"/v1/plans/{plan_id}/publish", headers=tokens.headers("tara"))
    if answer.status_code == 422:
        codes = [w["code"] for w in answer.json()["warnings"]]
        answer = client.post(
            f"/v1/plans/{plan_id}/publish", json={"acknowledge": codes}, headers=tokens.headers("tara")
        )
    assert answer.status_code == 200, answer.text


def test_a_care_plan_per_version_linked_by_replaces_with_goals_and_observations(client, tokens, revised):
    case_id, v1, v2 = revised
    plans = {p["id"]: p for p in search(client, tokens, "tara", "CarePlan", case_id)}
    assert (plans[v1]["status"], plans[v2]["status"]) == ("revoked", "active")
    assert plans[v2]["replaces"] == [{"reference": f"CarePlan/{v1}"}]
    assert plans[v2]["subject"] == {"reference": f"Patient/{case_id}"}
    kinds = [a["detail"]["code"]["coding"][0]["system"].rsplit("/", 1)[1] for a in plans[v2]["activity"]]
    assert kinds == ["activity-kind", "duties", "duties", "duties"]  # the phase's activity, then the schedule
    goals = search(client, tokens, "tara", "Goal", case_id)
    assert sorted(g["id"][-2:] for g in goals) == ["v1", "v1", "v2", "v2"]
    assert plans[v2]["goal"] == [{"reference": f"Goal/{g['id']}"} for g in goals if g["id"].endswith("v2")]
    lift = next(
        g
        for g in goals
        if g["id"].endswith("v2") and g["target"][0]["measure"]["coding"][0]["code"] == "lift_floor_waist"
    )
    assert lift["target"][0]["detailQuantity"]["value"] == 23
    assert {"url": "weight", "valueDecimal": 2} in lift["extension"][1]["extension"]
    observations = {o["code"]["coding"][0]["code"]: o for o in search(client, tokens, "tara", "Observation", case_id)}
    session = observations["session-summary"]
    parts = {c["code"]["coding"][0]["code"]: c for c in session["component"]}
    assert parts["pain-after"]["valueInteger"] == 3 and parts["pain-after"]["code"]["coding"][1]["code"] == "72514-3"
    assert parts["effort-borg-cr10"]["valueQuantity"]["value"] == 5
    assert parts["session-minutes"]["valueQuantity"] == {
        "value": 90,
        "unit": "min",
        "system": "http://unitsofmeasure.org",
        "code": "min",
    }
    assert observations["gas-t-score"]["valueQuantity"]["value"] == 60
    read = client.get(f"{FHIR}/Goal/{goals[0]['id']}", headers=tokens.headers("tara"))
    assert read.status_code == 200 and read.json() == goals[0]


def test_the_insurer_reads_the_schedule_and_summary_numbers_and_the_employer_nothing(client, tokens, revised):
    case_id, _, v2 = revised
    plans = {p["id"]: p for p in search(client, tokens, "ivy", "CarePlan", case_id)}
    assert "goal" not in plans[v2] and len(plans[v2]["activity"]) == 3  # the schedule's weeks only
    assert search(client, tokens, "ivy", "Goal", case_id) == []
    codes = sorted(o["code"]["coding"][0]["code"] for o in search(client, tokens, "ivy", "Observation", case_id))
    assert codes == ["copm", "gas-t-score"]
    for resource_type in ("CarePlan", "Goal", "Observation"):
        answer = client.get(f"{FHIR}/{resource_type}", params={"patient": case_id}, headers=tokens.headers("erin"))
        assert answer.status_code == 403 and answer.json()["issue"][0]["code"] == "forbidden"


def test_consent_withdrawn_hides_the_plan_from_the_insurer(client, tokens, revised, deliver_consent):
    case_id, _, v2 = revised
    deliver_consent("share_status_with_insurer", False)
    assert search(client, tokens, "ivy", "CarePlan", case_id) == []
    assert client.get(f"{FHIR}/CarePlan/{v2}", headers=tokens.headers("ivy")).status_code == 404
    assert client.get(f"{FHIR}/CarePlan/{v2}", headers=tokens.headers("tara")).status_code == 200


def test_the_capability_statement_is_public_and_names_every_resource(client):
    answer = client.get(f"{FHIR}/metadata")
    assert answer.status_code == 200 and answer.headers["content-type"].startswith("application/fhir+json")
    statement = answer.json()
    validate.r4(statement)
    assert statement["fhirVersion"] == "4.0.1"
    served = {r["type"]: r for r in statement["rest"][0]["resource"]}
    assert sorted(served) == ["CarePlan", "Goal", "Observation"]
    assert all({p["name"] for p in r["searchParam"]} >= {"patient", "subject"} for r in served.values())


def test_every_plan_read_is_audited_with_its_case(client, tokens, revised, session_factory):
    case_id, _, v2 = revised
    with session_factory() as session:
        before = session.execute(text("SELECT coalesce(max(id), 0) FROM audit_log")).scalar()
    search(client, tokens, "ivy", "Goal", case_id)
    assert client.get(f"{FHIR}/CarePlan/{v2}", headers=tokens.headers("tara")).status_code == 200
    assert client.get(f"{FHIR}/CarePlan/{v2}", headers=tokens.headers("erin")).status_code == 403
    with session_factory() as session:
        rows = session.execute(
            text(
                "SELECT username, resource_type, resource_id, status_code, case_ids FROM audit_log WHERE id > :id "
                "ORDER BY id"
            ),
            {"id": before},
        ).all()
    assert [(*r[:4], [str(c) for c in r[4] or []]) for r in rows] == [
        ("ivy", "Goal", None, 200, [case_id]),
        ("tara", "CarePlan", v2, 200, [case_id]),
        ("erin", "CarePlan", v2, 403, []),
    ]
