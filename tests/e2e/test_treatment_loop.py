"""Issue 8's worked example across the four services as processes (real Kafka, Keycloak, PostgreSQL):
a warehouse picker (lift floor→waist 23 kg occasionally, 11 kg frequently; stand 8 h) through 12
sessions over 4 weeks. Recommendations advance, hold and regress where the rule says; capacity and
job match rise; the readiness date moves with the trend; the case reaches modified_duty when week 1
of the graduated return begins (today) and full_duty when week 3 does (the workers' clock moved two
weeks on); the insurer's status shows each step. Also: an idempotent session POST, a plan revision,
a lost update refused, consent respected on the new read paths."""

from __future__ import annotations

import importlib.util
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from rtw_devstack.journey import CASE, Journey, new_case

PRIVATE_SYSTEM = "it moves the system's clock through the schedule weeks"

_EXAMPLE = Path(__file__).resolve().parents[2] / "services/workplan/tests/worked_example.py"
_spec = importlib.util.spec_from_file_location("worked_example", _EXAMPLE)
example = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(example)

PICKER = {
    **CASE,
    "employment": {
        **CASE["employment"],
        "job_title": "Warehouse picker",
        "essential_functions": [
            {
                "name": "Pick orders",
                "demands": [
                    {"demand": "lift_floor_waist", "frequency": "occasional", "load_kg": 23},
                    {"demand": "lift_floor_waist", "frequency": "frequent", "load_kg": 11},
                    {"demand": "stand", "frequency": "constant", "duration_min": 480},
                ],
            }
        ],
    },
}


@pytest.fixture
def journey(system, tokens):
    return Journey(system, tokens, timeout=60)


def status(journey, case_id: str, user: str = "ivy") -> dict:
    return journey.ok("GET", "intake", f"/v1/cases/{case_id}/status", user)


def status_when(journey, case_id: str, what: str, check) -> dict:
    def reached():
        shown = status(journey, case_id)
        return shown if check(shown) else None

    return journey.eventually(reached, what)


def picker() -> dict:
    """PICKER with a claim number of its own (intake registers an insurer's claim once)."""
    return {**PICKER, "claim": new_case()["claim"]}


def test_the_warehouse_picker_goes_back_to_work(journey, system):
    today = datetime.now(UTC).date()
    start = today - timedelta(days=28)
    case = journey.ok("POST", "intake", "/v1/cases", "tara", expected=201, json=picker())
    journey.ok("POST", "intake", f"/v1/cases/{case['id']}/transitions", "tara", json={"to": "assessing"})
    plan = journey.draft_plan(case["id"])
    path = f"/v1/plans/{plan['id']}"
    journey.ok("PUT", "workplan", path, "tara", json=example.plan_body(start, today))
    lost = journey.call(
        "PUT", "workplan", path, "tara", json=example.plan_body(start, today), headers={"If-Match": '"1"'}
    )
    assert lost.status_code == 412  # an editor's copy from before the first PUT
    published = journey.call(
        "POST", "workplan", f"{path}/publish", "tara", headers=journey.etag("workplan", path, "tara")
    )
    if published.status_code == 422:  # clinical warnings: acknowledged, and kept
        codes = [w["code"] for w in published.json()["warnings"]]
        published = journey.call("POST", "workplan", f"{path}/publish", "tara", json={"acknowledge": codes})
    assert published.status_code == 200, published.text

    # Week 1 of the graduated return begins today: the worker's durable timer fires at once.
    seen = status_when(journey, case["id"], "modified_duty", lambda s: s["status"] == "modified_duty")
    assert seen["plan"]["status"] == "published" and seen["plan"]["version"] == 1
    assert seen["projected_rtw_date"] is not None and seen["cost"]["projected"] == 175.0 + 12 * 120.0

    actions, shares, readiness = [], [], []
    for i in range(12):
        body = example.session_body(i, start)
        headers = {"Idempotency-Key": f"picker-{i}"}
        logged = journey.ok("POST", "workplan", f"{path}/sessions", "tara", expected=201, json=body, headers=headers)
        if i == 0:  # the network ate the answer: the retry records nothing new
            again = journey.ok("POST", "workplan", f"{path}/sessions", "tara", expected=201, json=body, headers=headers)
            assert again["id"] == logged["id"]
        actions.append(logged["recommendations"][0]["action"])
        shown = status_when(
            journey,
            case["id"],
            f"the insurer's status after session {i + 1}",
            lambda s, n=i + 1: s["cost"]["actual"] == 175.0 + 120.0 * n,
        )
        shares.append(shown["plan"]["job_match"])
        readiness.append(shown["projected_readiness_date"])
    assert actions == example.LIFT_RECOMMENDATIONS
    assert shares[0] == 0.0 and shares[10] == round(1 / 3, 4) and shares[11] == 1.0 and shares == sorted(shares)
    assert len(set(readiness[3:11])) > 2 and readiness[11] == (start + timedelta(days=25)).isoformat()
    assert shown["plan"]["adherence"] == 1.0

    sessions = journey.ok("GET", "workplan", f"{path}/sessions?limit=5", "tara")
    assert len(sessions["items"]) == 5 and sessions["next_cursor"]
    assert journey.call("GET", "workplan", f"{path}/sessions", "ivy").status_code == 403
    assert journey.call("GET", "workplan", f"{path}/progress", "erin").status_code == 403
    summary = journey.ok("GET", "workplan", f"{path}/progress", "ivy")
    assert summary["job_match"]["share"] == 1.0 and "pain" not in str(summary) and "activities" not in summary

    # Two weeks on, week 3 (full duties) begins for the running worker.
    system.move_clock(timedelta(days=14, hours=1))
    try:
        status_when(journey, case["id"], "full_duty", lambda s: s["status"] == "full_duty")
    finally:
        system.move_clock(timedelta(0))


def test_a_revision_supersedes_and_consent_hides_progress(journey):
    today = datetime.now(UTC).date()
    case = journey.ok("POST", "intake", "/v1/cases", "tara", expected=201, json=picker())
    plan = journey.draft_plan(case["id"])
    path = f"/v1/plans/{plan['id']}"
    body = example.plan_body(today, today + timedelta(days=35))
    journey.ok("PUT", "workplan", path, "tara", json=body)
    journey.ok("POST", "workplan", f"{path}/publish", "tara")
    draft = journey.ok(
        "POST", "workplan", f"{path}/revisions", "tara", expected=201, headers=journey.etag("workplan", path, "tara")
    )
    journey.ok("PUT", "workplan", f"/v1/plans/{draft['id']}", "tara", json={**body, "accommodations": []})
    second = journey.ok("POST", "workplan", f"/v1/plans/{draft['id']}/publish", "tara")
    assert second["version"] == 2 and second["changes"] == ["accommodations"]
    status_when(journey, case["id"], "version 2 on the status", lambda s: s["plan"]["version"] == 2)
    assert journey.ok("GET", "workplan", path, "tara")["status"] == "superseded"

    assert journey.call("GET", "workplan", f"/v1/plans/{draft['id']}/progress", "ivy").status_code == 200
    etag = journey.call("GET", "intake", f"/v1/cases/{case['id']}", "tara").headers["ETag"]
    withdrawn = {"share_status_with_insurer": {"granted": False, "evidence": "signed form WD-12"}}
    journey.ok("PUT", "intake", f"/v1/cases/{case['id']}/consents", "tara", json=withdrawn, headers={"If-Match": etag})
    journey.eventually(
        lambda: journey.call("GET", "workplan", f"/v1/plans/{draft['id']}/progress", "ivy").status_code == 404,
        "the insurer losing sight of the progress",
    )
    assert journey.call("GET", "workplan", f"/v1/plans/{draft['id']}/progress.svg", "ivy").status_code == 404
    assert journey.call("GET", "workplan", f"/v1/plans/{draft['id']}/progress", "tara").status_code == 200


AGREED_SCHEDULE = [
    {"week": 1, "hours_per_day": 4, "days_per_week": 5, "duties": "modified"},
    {"week": 2, "hours_per_day": 4, "days_per_week": 5, "duties": "modified"},
    {"week": 3, "hours_per_day": 6, "days_per_week": 5, "duties": "modified"},
    {"week": 4, "hours_per_day": 8, "days_per_week": 5, "duties": "modified"},
]


def test_an_accepted_counter_proposal_becomes_the_plan(journey):
    """erin counters (4/4/6/8 h, modified duties), tara accepts: workplan publishes version 2 with exactly
    that, linked to the confirmed request, and the insurer's status follows it."""
    case = journey.create_case()
    plan = journey.publish_plan(journey.draft_plan(case["id"])["id"])
    request = journey.pending_request(case["id"])
    path = f"/v1/accommodations/{request['id']}"
    counter = {
        "description": "Four weeks back at reduced hours; no floor-level picking",
        "accommodations": [{"category": "modified_duties", "description": "Waist-height picking only"}],
        "schedule": AGREED_SCHEDULE,
    }
    journey.ok(
        "POST",
        "employer",
        f"{path}/decision",
        "erin",
        headers=journey.etag("employer", path, "erin"),
        json={"decision": "countered", "counter": counter},
    )
    journey.ok("POST", "employer", f"{path}/counter/accept", "tara", headers=journey.etag("employer", path, "tara"))

    def agreed_version() -> dict | None:
        items = journey.ok("GET", "workplan", f"/v1/plans?case_id={case['id']}", "tara")["items"]
        return next((p for p in items if p["version"] == 2 and p["status"] == "published"), None)

    agreed = journey.ok("GET", "workplan", f"/v1/plans/{journey.eventually(agreed_version, 'version 2')['id']}", "tara")
    assert [{k: w[k] for k in ("week", "hours_per_day", "days_per_week", "duties")} for w in agreed["schedule"]] == [
        {**w, "hours_per_day": float(w["hours_per_day"])} for w in AGREED_SCHEDULE
    ]
    assert all(w["starts_on"] and w["ends_on"] for w in agreed["schedule"])
    assert agreed["accommodations"] == counter["accommodations"]
    assert (agreed["agreed_accommodation_id"], agreed["previous_plan_id"]) == (request["id"], plan["id"])
    assert agreed["published_by"] == f"accepted counter-proposal {request['id']}"
    assert journey.ok("GET", "workplan", f"/v1/plans/{plan['id']}", "tara")["status"] == "superseded"
    status_when(journey, case["id"], "version 2 on the insurer's status", lambda s: s["plan"]["version"] == 2)

    # The employer links version 2 to the confirmed request, asks nothing again, and shows what was agreed.
    def linked() -> dict | None:
        shown = journey.ok("GET", "employer", path, "erin")
        return shown if (shown["agreed"] or {}).get("plan_version") == 2 else None

    shown = journey.eventually(linked, "the employer's request linked to version 2")
    assert (shown["status"], shown["agreed"]["plan_id"]) == ("confirmed", agreed["id"])
    dated = [(w["week"], w["starts_on"], w["ends_on"]) for w in agreed["schedule"]]
    assert [(w["week"], w["starts_on"], w["ends_on"]) for w in shown["agreed"]["schedule"]] == dated
    assert shown["agreed"]["accommodations"] == counter["accommodations"]
    listed = journey.ok("GET", "employer", "/v1/accommodations", "erin")["items"]
    mine = [i for i in listed if i["case_id"] == case["id"]]
    assert [(i["id"], i["status"]) for i in mine] == [(request["id"], "confirmed")]
