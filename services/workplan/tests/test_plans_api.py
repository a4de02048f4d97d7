"""Workplan's plan API on the real database and real tokens; plans come from `case.created`."""

from __future__ import annotations

import copy
import json
import uuid
from datetime import datetime, timedelta

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import create_engine, text

from rtw_devstack.journey import PLAN
from rtw_workplan.app import create_app
from rtw_workplan.rules.readiness import monday_after
from rtw_workplan.settings import WorkplanSettings

# The public contract's PUT example (journey.PLAN): 2 weeks x 3 sessions, a 3-week graduated schedule.
BODY = PLAN


def query(settings, sql: str, **params) -> list:
    engine = create_engine(settings.database_url)
    with engine.connect() as conn:
        rows = conn.execute(text(sql), params).all()
    engine.dispose()
    return rows


def stored(settings, plan_id: str) -> tuple:
    """(status, content, updated_at) of a plan, straight from the database."""
    [row] = query(settings, "SELECT status, content, updated_at FROM plans WHERE id = :id", id=plan_id)
    return tuple(row)


def outbox(settings) -> list:
    return query(settings, "SELECT event_type, topic, key, payload FROM outbox ORDER BY id")


def undated(weeks: list[dict]) -> list[dict]:
    """Schedule weeks without the dates a read adds (a draft's projected, a published plan's fixed)."""
    return [{k: v for k, v in week.items() if k not in ("starts_on", "ends_on")} for week in weeks]


def put(client, tokens, plan_id, body=BODY, user="tara"):
    return client.put(f"/v1/plans/{plan_id}", json=body, headers=tokens.headers(user))


def publish(client, tokens, plan_id, user="tara"):
    return client.post(f"/v1/plans/{plan_id}/publish", headers=tokens.headers(user))


def test_a_therapist_replaces_the_draft_content(client, tokens, draft_plan, workplan_settings):
    response = put(client, tokens, draft_plan)
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["status"] == "draft" and body["version"] == 1
    assert undated(body["schedule"]) == BODY["schedule"] and body["accommodations"] == BODY["accommodations"]
    assert body["goals"][0]["target"] == 20 and body["phases"][0]["activities"][0]["load_kg"] == 7.5
    assert response.headers["ETag"]
    status, content, _ = stored(workplan_settings, draft_plan)
    assert status == "draft"
    assert content["schedule"] == BODY["schedule"] and content["restrictions"][0]["load_kg"] == 10
    smaller = {**BODY, "goals": [], "accommodations": []}
    assert put(client, tokens, draft_plan, smaller).status_code == 200
    _, content, _ = stored(workplan_settings, draft_plan)
    assert content["goals"] == [] and content["accommodations"] == []  # replaced whole, not merged


def _with(path: str, value):
    """BODY with the value at a dotted path (e.g. "schedule.0.hours_per_day") replaced."""
    body = copy.deepcopy(BODY)
    *parents, last = path.split(".")
    target = body
    for part in parents:
        target = target[int(part)] if part.isdigit() else target[part]
    target[int(last) if last.isdigit() else last] = value
    return body


@pytest.mark.parametrize(
    ("body", "field"),
    [
        (_with("schedule.0.hours_per_day", 25), "schedule.0.hours_per_day"),
        (_with("schedule.1.days_per_week", 8), "schedule.1.days_per_week"),
        (_with("schedule.2.week", 1), "schedule"),
        (_with("schedule.0.duties", "light"), "schedule.0.duties"),
        (_with("phases.0.end_week", 0), "phases.0.end_week"),
        (_with("phases.0.start_week", 3), "phases.0.end_week"),
        (_with("phases.0.activities.0.reps", -1), "phases.0.activities.0.reps"),
        (_with("phases.0.activities.0.kind", "yoga"), "phases.0.activities.0.kind"),
        (_with("goals.0.demand", "juggle"), "goals.0.demand"),
        (_with("restrictions.0.frequency", "sometimes"), "restrictions.0.frequency"),
        (_with("accommodations.0.category", "free_lunch"), "accommodations.0.category"),
        (_with("goals.0.colour", "red"), "goals.0.colour"),
        (_with("projected_cost", 1.0), "projected_cost"),
    ],
)
def test_bad_content_is_422_naming_the_field_and_changes_nothing(
    client, tokens, draft_plan, workplan_settings, body, field
):
    before = stored(workplan_settings, draft_plan)
    response = put(client, tokens, draft_plan, body)
    assert response.status_code == 422, response.text
    assert response.headers["content-type"] == "application/problem+json"
    assert response.json()["detail"].startswith(f"{field}: ")
    assert stored(workplan_settings, draft_plan) == before


DEEP_BODIES = {
    "arrays": b"[" * 10_000 + b"]" * 10_000,  # 20 KB: deeper than Python's JSON parser recurses
    "objects": b'{"a":' * 10_000 + b"1" + b"}" * 10_000,
}


@pytest.mark.parametrize("shape", sorted(DEEP_BODIES))
def test_deeply_nested_json_is_422_not_a_server_error(client, tokens, draft_plan, workplan_settings, shape):
    before = stored(workplan_settings, draft_plan)
    response = client.put(
        f"/v1/plans/{draft_plan}",
        content=DEEP_BODIES[shape],
        headers={**tokens.headers("tara"), "content-type": "application/json"},
    )
    assert response.status_code == 422, response.text
    assert response.headers["content-type"] == "application/problem+json"
    assert response.json()["errors"][0]["type"] == "too_deep"
    assert stored(workplan_settings, draft_plan) == before


def test_publishing_fixes_projections_and_announces_them_without_clinical_detail(
    client, tokens, draft_plan, workplan_settings
):
    assert put(client, tokens, draft_plan).status_code == 200
    response = publish(client, tokens, draft_plan)
    assert response.status_code == 200, response.text
    plan = response.json()
    published_on = datetime.fromisoformat(plan["published_at"]).date()
    # No session yet: readiness is the plan's own estimate (the end of its 2-week phase); the graduated
    # schedule starts the Monday after and runs 3 weeks.
    ready = published_on + timedelta(days=14)
    expected = {
        "projected_rtw_date": (monday_after(ready) + timedelta(days=21)).isoformat(),
        "projected_cost": 175.0 + 120.0 * 3 * 2,
        "projected_readiness_date": ready.isoformat(),
        "schedule_start_date": monday_after(ready).isoformat(),
    }
    assert plan["status"] == "published"
    assert plan["projections"] == expected
    assert plan["schedule_start_date"] == monday_after(ready).isoformat()
    [(event_type, topic, key, payload), progress] = outbox(workplan_settings)
    assert progress[0] == "rtw.plan.progress_changed.v1"
    event = json.loads(payload)
    assert event_type == "rtw.plan.published.v1"
    assert topic == workplan_settings.topic_prefix + "workplan.plan.v1"
    assert key == plan["case_id"] == event["case_id"]
    assert {k: event[k] for k in expected} == expected
    assert (event["plan_id"], event["version"], event["employer_org_id"]) == (draft_plan, 1, "acme")
    week_1 = monday_after(ready)
    assert event["schedule"] == [
        {
            **week,
            "starts_on": (week_1 + timedelta(days=7 * (week["week"] - 1))).isoformat(),
            "ends_on": (week_1 + timedelta(days=7 * (week["week"] - 1) + 6)).isoformat(),
        }
        for week in BODY["schedule"]
    ]
    assert event["accommodations"] == BODY["accommodations"]
    assert not {"goals", "phases"} & set(event)
    assert "Lift a 20 kg tote" not in payload


def test_a_published_plan_cannot_be_edited_or_published_again(client, tokens, draft_plan, workplan_settings):
    put(client, tokens, draft_plan)
    assert publish(client, tokens, draft_plan).status_code == 200
    published = stored(workplan_settings, draft_plan)
    again = publish(client, tokens, draft_plan)
    assert again.status_code == 409
    assert "only a draft can be published" in again.json()["detail"]
    edit = put(client, tokens, draft_plan, {**BODY, "goals": []})
    assert edit.status_code == 409
    assert edit.json()["detail"].endswith("is published; only a draft can be edited")
    assert stored(workplan_settings, draft_plan) == published
    assert [row[0] for row in outbox(workplan_settings)] == ["rtw.plan.published.v1", "rtw.plan.progress_changed.v1"]


def test_a_plan_without_a_schedule_cannot_be_published(client, tokens, draft_plan, workplan_settings):
    response = publish(client, tokens, draft_plan)
    assert response.status_code == 422
    assert response.json()["detail"].startswith("schedule: a plan needs at least one week")
    assert stored(workplan_settings, draft_plan)[0] == "draft"
    assert outbox(workplan_settings) == []


@pytest.mark.parametrize(
    ("user", "expected"),
    [
        ("tara", 200),
        ("theo", 404),
        ("erin", 403),
        ("evan", 403),
        ("ivy", 200),
        ("ian", 404),
        ("ada", 403),
    ],
)
def test_who_reads_a_plan(client, tokens, draft_plan, user, expected):
    put(client, tokens, draft_plan)
    response = client.get(f"/v1/plans/{draft_plan}", headers=tokens.headers(user))
    assert response.status_code == expected, response.text
    if expected != 200:
        assert response.headers["content-type"] == "application/problem+json"
        assert "goals" not in response.text
        return
    body = response.json()
    assert undated(body["schedule"]) == BODY["schedule"]
    assert body["restrictions"] == [
        {**BODY["restrictions"][0], "duration_min": None, "start": None, "review_date": None, "end": None}
    ]
    assert "projections" in body and body["status"] == "draft"
    clinical = {"goals", "phases", "accommodations", "therapist_id"}
    if user == "tara":
        assert clinical <= set(body)
    else:
        assert not clinical & set(body)
        assert "Conditioning" not in response.text and "tote" not in response.text


def test_no_token_or_a_forged_token_is_401(client, tokens, draft_plan):
    assert client.get(f"/v1/plans/{draft_plan}").status_code == 401
    assert client.put(f"/v1/plans/{draft_plan}", json=BODY).status_code == 401
    assert client.post(f"/v1/plans/{draft_plan}/publish").status_code == 401
    token = tokens.user("tara")
    forged = token[:-4] + ("AAAA" if not token.endswith("AAAA") else "BBBB")
    assert client.get("/v1/plans", headers={"Authorization": f"Bearer {forged}"}).status_code == 401


@pytest.mark.parametrize(("user", "expected"), [("theo", 404), ("ivy", 403), ("erin", 403), ("ada", 403)])
def test_only_the_clinics_therapists_edit_or_publish(client, tokens, draft_plan, workplan_settings, user, expected):
    before = stored(workplan_settings, draft_plan)
    assert put(client, tokens, draft_plan, user=user).status_code == expected
    assert publish(client, tokens, draft_plan, user=user).status_code == expected
    assert stored(workplan_settings, draft_plan) == before
    assert outbox(workplan_settings) == []


def test_an_unknown_plan_is_404(client, tokens):
    assert client.get(f"/v1/plans/{uuid.uuid4()}", headers=tokens.headers("tara")).status_code == 404
    assert put(client, tokens, uuid.uuid4()).status_code == 404


def test_the_list_is_filtered_to_the_callers_organisation_and_paginated(
    client, tokens, deliver, case_created, draft_plan
):
    for _ in range(2):
        deliver(case_created())
    deliver(case_created(clinic_org_id="clinic-south", insurer_org_id="contoso"))
    first = client.get("/v1/plans?limit=2", headers=tokens.headers("tara")).json()
    assert len(first["items"]) == 2 and first["next_cursor"]
    second = client.get(f"/v1/plans?limit=2&cursor={first['next_cursor']}", headers=tokens.headers("tara")).json()
    assert len(second["items"]) == 1 and second["next_cursor"] is None
    assert len({p["id"] for p in first["items"] + second["items"]}) == 3
    assert len(client.get("/v1/plans", headers=tokens.headers("theo")).json()["items"]) == 1
    assert client.get("/v1/plans", headers=tokens.headers("erin")).status_code == 403
    case_id = client.get(f"/v1/plans/{draft_plan}", headers=tokens.headers("tara")).json()["case_id"]
    for user in ("tara", "ivy"):
        only = client.get(f"/v1/plans?case_id={case_id}", headers=tokens.headers(user)).json()
        assert [p["id"] for p in only["items"]] == [draft_plan] and only["next_cursor"] is None
        assert ("goals" in only["items"][0]) is (user == "tara")
    assert client.get(f"/v1/plans?case_id={case_id}", headers=tokens.headers("ian")).json()["items"] == []
    assert client.get("/v1/plans?cursor=nonsense", headers=tokens.headers("tara")).status_code == 422


def test_the_projected_cost_follows_the_configured_fee_schedule(tokens, draft_plan, workplan_settings):
    settings = workplan_settings.model_copy(update={"fee_evaluation": 150.0, "fee_session": 40.0})
    with TestClient(create_app(settings)) as client:
        put(client, tokens, draft_plan)
        response = publish(client, tokens, draft_plan)
    assert response.json()["projections"]["projected_cost"] == 150.0 + 40.0 * 6


def test_the_fee_schedule_is_read_from_the_environment(monkeypatch):
    monkeypatch.setenv("RTW_WORKPLAN_FEE_SESSION", "95.5")
    assert (WorkplanSettings().fee_evaluation, WorkplanSettings().fee_session) == (175.0, 95.5)
