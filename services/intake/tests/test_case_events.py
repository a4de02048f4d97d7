"""Drafts start from the case, intake's side (issue 22, point 5): an assessment is announced as
`rtw.case.assessed.v1` (workplan's baseline: capacities, grip means, pain, COPM) and the case's
restrictions as `rtw.case.restrictions_changed.v1` (at creation when there are any, and on every
replacement), each with the case snapshot. A restriction given without a start applies from the day it
was recorded: intake stores that day, so the case and the plans copied from it keep when it began."""

from __future__ import annotations

from datetime import timedelta

import pytest
from fastapi.testclient import TestClient

from rtw_devstack.journey import new_case
from rtw_intake.app import create_app

ASSESSED, RESTRICTIONS_CHANGED = "rtw.case.assessed.v1", "rtw.case.restrictions_changed.v1"


@pytest.fixture
def app_client(intake_settings, clock):
    """Intake on the test's clock, so "the day it was recorded" is the clock's."""
    with TestClient(create_app(intake_settings, clock=clock)) as test_client:
        yield test_client


def create(client, tokens, **changes) -> dict:
    response = client.post("/v1/cases", json={**new_case(), **changes}, headers=tokens.headers("tara"))
    assert response.status_code == 201, response.text
    return response.json()


def test_an_assessment_is_announced_as_the_baseline_with_the_case_snapshot(app_client, tokens, outbox, clock):
    case = create(app_client, tokens)
    assessment = {
        "date": (clock.today() - timedelta(days=1)).isoformat(),
        "capacities": [
            {"demand": "lift_floor_waist", "frequency": "occasional", "load_kg": 5},
            {"demand": "stand", "frequency": "frequent", "duration_min": 20},
        ],
        "grip_trials_kg": {"left": [30, 31, 32], "right": [28, 29, 31]},
        "pain_nrs": 6,
        "copm": [{"problem": "Lifting totes at work", "importance": 9, "performance": 3, "satisfaction": 2}],
    }
    recorded = app_client.post(f"/v1/cases/{case['id']}/assessments", json=assessment, headers=tokens.headers("tara"))
    assert recorded.status_code == 201, recorded.text

    [event] = outbox(ASSESSED)
    assert event == {
        "case_id": case["id"],
        "assessment_id": recorded.json()["id"],
        "assessed_on": assessment["date"],
        "capacities": [
            {"demand": "lift_floor_waist", "frequency": "occasional", "load_kg": 5.0, "duration_min": None},
            {"demand": "stand", "frequency": "frequent", "load_kg": None, "duration_min": 20.0},
        ],
        "grip_kg_left": 31.0,
        "grip_kg_right": 29.33,
        "pain_nrs": 6,
        "copm": assessment["copm"],
        "case": event["case"],
    }
    assert (event["case"]["version"], event["case"]["reference"], event["case"]["status"]) == (
        case["version"],
        case["reference"],
        "referred",
    )


def test_a_case_opened_with_restrictions_announces_them_dated_and_one_without_announces_none(
    app_client, tokens, outbox, clock
):
    today = clock.today()
    review = (today + timedelta(days=28)).isoformat()
    given_start = (today - timedelta(days=3)).isoformat()
    with_restrictions = create(
        app_client,
        tokens,
        restrictions=[
            {"demand": "lift_floor_waist", "frequency": "occasional", "load_kg": 10, "review_date": review},
            {"demand": "kneel", "frequency": "never", "start": given_start},
        ],
    )
    create(app_client, tokens)  # no restrictions: nothing to announce

    stored = with_restrictions["restrictions"]
    assert [(r["demand"], r["start"]) for r in stored] == [
        ("lift_floor_waist", today.isoformat()),  # no start given: the day it was recorded
        ("kneel", given_start),
    ]
    [event] = outbox(RESTRICTIONS_CHANGED)
    assert event["case_id"] == with_restrictions["id"]
    assert event["restrictions"] == [
        {
            "demand": "lift_floor_waist",
            "frequency": "occasional",
            "load_kg": 10.0,
            "duration_min": None,
            "start": today.isoformat(),
            "review_date": review,
            "end": None,
        },
        {
            "demand": "kneel",
            "frequency": "never",
            "load_kg": None,
            "duration_min": None,
            "start": given_start,
            "review_date": None,
            "end": None,
        },
    ]
    assert event["case"]["version"] == with_restrictions["version"]


def test_replacing_the_restrictions_announces_the_new_list_at_the_new_version(app_client, tokens, outbox, clock):
    case = create(app_client, tokens)
    replaced = app_client.put(
        f"/v1/cases/{case['id']}/restrictions",
        json={"restrictions": [{"demand": "stand", "frequency": "frequent", "duration_min": 30}]},
        headers=tokens.headers("tara") | {"If-Match": f'"{case["version"]}"'},
    )
    assert replaced.status_code == 200, replaced.text
    # What a read answers is accepted back unchanged (the round trip): nothing changed, nothing announced.
    again = app_client.put(
        f"/v1/cases/{case['id']}/restrictions",
        json={"restrictions": replaced.json()["restrictions"]},
        headers=tokens.headers("tara") | {"If-Match": replaced.headers["ETag"]},
    )
    assert again.status_code == 200 and again.json() == replaced.json()
    assert again.headers["ETag"] == replaced.headers["ETag"] == f'"{case["version"] + 1}"'

    [event] = outbox(RESTRICTIONS_CHANGED)
    assert [(r["demand"], r["duration_min"], r["start"]) for r in event["restrictions"]] == [
        ("stand", 30.0, clock.today().isoformat())
    ]
    assert event["case"]["version"] == case["version"] + 1


@pytest.mark.parametrize("field", ["review_date", "end"])
def test_a_restriction_without_a_start_cannot_end_or_be_reviewed_before_the_day_it_is_recorded(
    app_client, tokens, outbox, clock, field
):
    case = create(app_client, tokens)
    earlier = (clock.today() - timedelta(days=1)).isoformat()
    response = app_client.put(
        f"/v1/cases/{case['id']}/restrictions",
        json={
            "restrictions": [
                {"demand": "stand", "frequency": "frequent"},
                {"demand": "kneel", "frequency": "never", field: earlier},
            ]
        },
        headers=tokens.headers("tara"),
    )
    assert response.status_code == 422
    assert response.json()["field"] == f"restrictions.1.{field}"
    assert "give its start" in response.json()["detail"]
    assert outbox(RESTRICTIONS_CHANGED) == []
