"""The case domain through intake's API: status machine, If-Match, restrictions and consent,
assessments, the timeline, the computed DOT level, and input validation — real DB and tokens."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import create_engine, text

from rtw_devstack.journey import new_case
from rtw_intake.app import create_app


def create(client, tokens, **changes):
    body = new_case()
    for path, value in changes.items():
        target = body
        *parents, leaf = path.split("__")
        for key in parents:
            target = target[key]
        target[leaf] = value
    response = client.post("/v1/cases", json=body, headers=tokens.headers("tara"))
    assert response.status_code == 201, response.text
    return response.json()


def move(client, tokens, case, to, reason=None, if_match=None):
    headers = tokens.headers("tara") | ({"If-Match": if_match} if if_match else {})
    return client.post(f"/v1/cases/{case['id']}/transitions", json={"to": to, "reason": reason}, headers=headers)


def rows(settings, sql: str) -> list:
    engine = create_engine(settings.database_url)
    with engine.connect() as conn:
        found = conn.execute(text(sql)).all()
    engine.dispose()
    return found


def test_a_legal_move_changes_status_bumps_version_lands_on_the_timeline_and_is_announced(
    client, tokens, intake_settings
):
    case = create(client, tokens)
    response = move(client, tokens, case, "assessing", if_match=f'"{case["version"]}"')
    assert response.status_code == 200, response.text
    assert response.json()["status"] == "assessing"
    assert response.headers["ETag"] == f'"{case["version"] + 1}"'
    timeline = client.get(f"/v1/cases/{case['id']}/timeline", headers=tokens.headers("tara")).json()["items"]
    assert [e["kind"] for e in timeline] == ["case.opened", "case.status_changed"]
    events = rows(intake_settings, "SELECT payload FROM outbox WHERE event_type = 'rtw.case.status_changed.v1'")
    assert len(events) == 1 and '"to_status":"assessing"' in events[0][0]


def test_an_illegal_move_is_409_with_the_reason_and_changes_nothing(client, tokens, intake_settings):
    case = create(client, tokens)
    response = move(client, tokens, case, "full_duty")
    assert response.status_code == 409
    problem = response.json()
    assert "from referred the case can move to assessing" in problem["detail"]
    assert problem["allowed_moves"] == ["assessing", "on_hold", "withdrawn"]
    assert client.get(f"/v1/cases/{case['id']}", headers=tokens.headers("tara")).json()["version"] == case["version"]
    assert rows(intake_settings, "SELECT count(*) FROM outbox WHERE event_type LIKE '%status_changed%'") == [(0,)]


def test_a_stale_if_match_is_412(client, tokens):
    case = create(client, tokens)
    assert move(client, tokens, case, "assessing").status_code == 200
    stale = move(client, tokens, case, "on_hold", reason="surgery", if_match=f'"{case["version"]}"')
    assert stale.status_code == 412
    assert "version" in stale.json()["detail"]


def test_the_lost_update_two_sessions_read_one_version_the_second_write_is_refused(client, tokens, intake_settings):
    """Two therapists' sessions (here on two API processes over one database) read the same version;
    the first replaces the restrictions, the second — still holding the old ETag — gets 412."""
    case = create(client, tokens)
    first_edit = {
        "restrictions": [{"demand": "stand", "frequency": "frequent", "duration_min": 30, "start": "2026-11-02"}]
    }
    second_edit = {"restrictions": [{"demand": "kneel", "frequency": "never", "start": "2026-11-02"}]}
    with TestClient(create_app(intake_settings)) as other_process:
        etags = [
            session.get(f"/v1/cases/{case['id']}", headers=tokens.headers("tara")).headers["ETag"]
            for session in (client, other_process)
        ]
        assert etags[0] == etags[1] == f'"{case["version"]}"'
        won = client.put(
            f"/v1/cases/{case['id']}/restrictions",
            json=first_edit,
            headers={**tokens.headers("tara"), "If-Match": etags[0]},
        )
        lost = other_process.put(
            f"/v1/cases/{case['id']}/restrictions",
            json=second_edit,
            headers={**tokens.headers("tara"), "If-Match": etags[1]},
        )
    assert won.status_code == 200 and won.headers["ETag"] == f'"{case["version"] + 1}"'
    assert lost.status_code == 412 and lost.headers["ETag"] == won.headers["ETag"]
    assert "reload it and try again" in lost.json()["detail"]
    now = client.get(f"/v1/cases/{case['id']}", headers=tokens.headers("tara")).json()
    assert [r["demand"] for r in now["restrictions"]] == ["stand"] and now["version"] == case["version"] + 1


def test_a_malformed_if_match_is_422(client, tokens):
    case = create(client, tokens)
    response = move(client, tokens, case, "assessing", if_match="yesterday")
    assert response.status_code == 422 and "If-Match" in response.json()["detail"]


def test_hold_and_withdrawal_need_a_reason_and_hold_resumes_where_it_was(client, tokens):
    case = create(client, tokens)
    assert move(client, tokens, case, "on_hold").status_code == 422
    held = move(client, tokens, case, "on_hold", reason="awaiting surgery").json()
    assert held["status"] == "on_hold" and held["status_before_hold"] == "referred"
    assert move(client, tokens, case, "assessing").status_code == 409
    assert move(client, tokens, case, "referred").json()["status"] == "referred"


@pytest.mark.parametrize(("user", "expected"), [("theo", 404), ("erin", 403), ("ivy", 403), ("ada", 403)])
def test_only_the_clinics_therapists_move_a_case(client, tokens, user, expected):
    case = create(client, tokens)
    response = client.post(
        f"/v1/cases/{case['id']}/transitions", json={"to": "assessing"}, headers=tokens.headers(user)
    )
    assert response.status_code == expected


def test_restrictions_reach_the_employer_only_with_the_workers_consent(client, tokens):
    restriction = {
        "demand": "lift_floor_waist",
        "frequency": "occasional",
        "load_kg": 10,
        "start": "2026-11-01",
        "review_date": "2026-12-01",
    }
    shared = create(client, tokens, restrictions=[restriction])
    private = create(
        client,
        tokens,
        restrictions=[restriction],
        consents={"share_restrictions_with_employer": False, "share_status_with_insurer": True},
    )
    seen = client.get(f"/v1/cases/{shared['id']}", headers=tokens.headers("erin")).json()
    hidden = client.get(f"/v1/cases/{private['id']}", headers=tokens.headers("erin")).json()
    assert [r["load_kg"] for r in seen["restrictions"]] == [10]
    assert (seen["worker"]["family_name"], seen["restrictions_shared"]) == ("Lopez", True)
    assert (hidden["restrictions"], hidden["worker"], hidden["employment"], hidden["restrictions_shared"]) == (
        [],
        None,
        None,
        False,
    )


def test_without_consent_the_insurer_cannot_see_the_case_at_all(client, tokens):
    case = create(
        client, tokens, consents={"share_restrictions_with_employer": True, "share_status_with_insurer": False}
    )
    assert client.get(f"/v1/cases/{case['id']}", headers=tokens.headers("ivy")).status_code == 404
    assert client.get(f"/v1/cases/{case['id']}/status", headers=tokens.headers("ivy")).status_code == 404
    assert client.get(f"/v1/cases/{case['id']}/timeline", headers=tokens.headers("ivy")).status_code == 404
    listed = client.get("/v1/cases", headers=tokens.headers("ivy")).json()["items"]
    assert case["id"] not in {c["id"] for c in listed}


def test_replacing_restrictions_honours_if_match(client, tokens):
    case = create(client, tokens)
    body = {"restrictions": [{"demand": "stand", "frequency": "frequent", "duration_min": 30, "start": "2026-11-02"}]}
    ok = client.put(
        f"/v1/cases/{case['id']}/restrictions",
        json=body,
        headers={**tokens.headers("tara"), "If-Match": f'"{case["version"]}"'},
    )
    assert ok.status_code == 200 and ok.json()["restrictions"][0]["demand"] == "stand"
    stale = client.put(
        f"/v1/cases/{case['id']}/restrictions",
        json=body,
        headers={**tokens.headers("tara"), "If-Match": f'"{case["version"]}"'},
    )
    assert stale.status_code == 412


def test_an_assessment_stores_grip_as_the_mean_of_three_trials_and_insurers_get_summary_numbers(client, tokens):
    case = create(client, tokens)
    assessment = {
        "date": "2026-11-20",
        "capacities": [{"demand": "lift_floor_waist", "frequency": "occasional", "load_kg": 8}],
        "grip_trials_kg": {"left": [30, 32, 34], "right": [20, 21, 22.5]},
        "pain_nrs": 6,
        "copm": [{"problem": "Lifting totes", "importance": 9, "performance": 3, "satisfaction": 2}],
    }
    response = client.post(f"/v1/cases/{case['id']}/assessments", json=assessment, headers=tokens.headers("tara"))
    assert response.status_code == 201, response.text
    assert (response.json()["grip_kg_left"], response.json()["grip_kg_right"]) == (32.0, 21.17)
    summary = client.get(f"/v1/cases/{case['id']}", headers=tokens.headers("ivy")).json()["assessments"]
    assert summary == {
        "count": 1,
        "latest_date": "2026-11-20",
        "latest_pain_nrs": 6,
        "latest_grip_kg_left": 32.0,
        "latest_grip_kg_right": 21.17,
    }
    for user, expected in (("erin", 403), ("ivy", 403), ("theo", 404)):
        assert client.get(f"/v1/cases/{case['id']}/assessments", headers=tokens.headers(user)).status_code == expected
    assert "assessments" not in client.get(f"/v1/cases/{case['id']}", headers=tokens.headers("erin")).json()


@pytest.mark.parametrize(
    ("bad", "field"),
    [
        ({"date": "2999-01-01"}, "date"),
        ({"date": "2026-11-20", "pain_nrs": 11}, "pain_nrs"),
        ({"date": "2026-11-20", "grip_trials_kg": {"left": [30, 32], "right": [20, 21, 22]}}, "grip_trials_kg.left"),
        (
            {"date": "2026-11-20", "copm": [{"problem": "x", "importance": 0, "performance": 3, "satisfaction": 2}]},
            "copm.0.importance",
        ),
        ({"date": "2026-01-01"}, "date"),  # before the injury
    ],
)
def test_a_bad_assessment_is_422_naming_the_field_and_writes_nothing(client, tokens, intake_settings, bad, field):
    case = create(client, tokens)
    response = client.post(f"/v1/cases/{case['id']}/assessments", json=bad, headers=tokens.headers("tara"))
    assert response.status_code == 422, response.text
    assert field in response.text
    assert rows(intake_settings, "SELECT count(*) FROM assessments") == [(0,)]


def test_a_stated_dot_level_that_disagrees_with_the_demands_is_shown(client, tokens):
    case = create(client, tokens, employment__dot_strength_level="sedentary")
    assert case["dot_strength_level_computed"] == "medium"
    assert case["dot_strength_mismatch"] is True
    assert create(client, tokens)["dot_strength_mismatch"] is False


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"claim__injury_date": "2999-01-01"}, "claim.injury_date"),
        ({"claim__diagnosis_codes": ["S39"], "claim__body_parts": ["elbow"]}, "claim.body_parts"),
        ({"claim__diagnosis_codes": ["U07.1"]}, "claim.diagnosis_codes.0"),
        ({"worker__date_of_birth": "2020-01-01"}, "worker.date_of_birth"),
        ({"employment__days_per_week": 8}, "employment.days_per_week"),
        ({"employment__onet_soc_code": "53-7065"}, "employment.onet_soc_code"),
        ({"employment__hours_per_day": -1}, "employment.hours_per_day"),
        ({"worker__shoe_size": 44}, "worker.shoe_size"),
    ],
)
def test_bad_case_input_is_422_naming_the_field_and_writes_nothing(client, tokens, intake_settings, change, field):
    body = new_case()
    for path, value in change.items():
        section, key = path.split("__")
        body[section][key] = value
    response = client.post("/v1/cases", json=body, headers=tokens.headers("tara"))
    assert response.status_code == 422, response.text
    assert field in response.text
    assert rows(intake_settings, "SELECT count(*) FROM cases") == [(0,)]


def test_the_insurer_summary_counts_every_assessment_and_shows_the_latest_by_date(client, tokens):
    cases = [create(client, tokens) for _ in range(2)]
    for day, pain in (("2026-11-20", 6), ("2026-11-10", 8), ("2026-11-25", 3)):
        response = client.post(
            f"/v1/cases/{cases[0]['id']}/assessments",
            json={"date": day, "pain_nrs": pain},
            headers=tokens.headers("tara"),
        )
        assert response.status_code == 201
    listed = {c["id"]: c["assessments"] for c in client.get("/v1/cases", headers=tokens.headers("ivy")).json()["items"]}
    assert (listed[cases[0]["id"]]["count"], listed[cases[0]["id"]]["latest_date"]) == (3, "2026-11-25")
    assert listed[cases[0]["id"]]["latest_pain_nrs"] == 3
    assert listed[cases[1]["id"]] == {
        "count": 0,
        "latest_date": None,
        "latest_pain_nrs": None,
        "latest_grip_kg_left": None,
        "latest_grip_kg_right": None,
    }


def test_a_new_assessment_is_a_change_the_insurer_sees_in_updated_since(client, tokens, db):
    case = create(client, tokens)
    with db.connect() as conn:
        since = conn.execute(text("SELECT clock_timestamp()")).scalar().isoformat()
    poll = {"updated_since": since}
    assert client.get("/v1/cases", params=poll, headers=tokens.headers("ivy")).json()["items"] == []
    response = client.post(
        f"/v1/cases/{case['id']}/assessments",
        json={"date": "2026-11-20", "pain_nrs": 5},
        headers=tokens.headers("tara"),
    )
    assert response.status_code == 201
    [item] = client.get("/v1/cases", params=poll, headers=tokens.headers("ivy")).json()["items"]
    assert (item["id"], item["assessments"]["count"]) == (case["id"], 1)
    assert client.get(f"/v1/cases/{case['id']}", headers=tokens.headers("tara")).json()["version"] == case["version"]
