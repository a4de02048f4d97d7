"""The worker's consents as their own record (GET/PUT /v1/cases/{id}/consents), and what each
consent lets every other organisation read of the case through intake — real DB and tokens."""

from __future__ import annotations

import copy
import json

import pytest
from sqlalchemy import create_engine, text

from rtw_devstack.journey import CASE

RESTRICTION = {"demand": "lift_floor_waist", "frequency": "occasional", "load_kg": 10, "start": "2026-11-01"}
EMPLOYER, INSURER = "share_restrictions_with_employer", "share_status_with_insurer"


def create(client, tokens, **extra) -> dict:
    body = {**copy.deepcopy(CASE), "restrictions": [RESTRICTION], **extra}
    response = client.post("/v1/cases", json=body, headers=tokens.headers("tara"))
    assert response.status_code == 201, response.text
    return response.json()


def put(client, tokens, case_id, body, *, if_match=None, user="tara"):
    headers = tokens.headers(user) | ({"If-Match": if_match} if if_match else {})
    return client.put(f"/v1/cases/{case_id}/consents", json=body, headers=headers)


def decide(client, tokens, case_id, **decisions) -> dict:
    body = {name: {"granted": granted} for name, granted in decisions.items()}
    response = put(client, tokens, case_id, body)
    assert response.status_code == 200, response.text
    return response.json()


def outbox(settings, event_type: str) -> list[dict]:
    engine = create_engine(settings.database_url)
    with engine.connect() as conn:
        rows = (
            conn.execute(text("SELECT payload FROM outbox WHERE event_type = :t ORDER BY id"), {"t": event_type})
            .scalars()
            .all()
        )
    engine.dispose()
    return [json.loads(row) for row in rows]


def test_a_new_case_starts_the_history_with_the_consents_given_at_intake(client, tokens):
    case = create(client, tokens, consents={EMPLOYER: False, INSURER: True})
    response = client.get(f"/v1/cases/{case['id']}/consents", headers=tokens.headers("tara"))
    assert response.status_code == 200 and response.headers["ETag"] == f'"{case["version"]}"'
    body = response.json()
    assert (body["case_id"], body["version"]) == (case["id"], case["version"])
    assert (body[EMPLOYER]["granted"], body[INSURER]["granted"]) == (False, True)
    assert body[EMPLOYER]["changed_by"] == {"subject": case["therapist_id"], "username": "tara"}
    assert body[EMPLOYER]["evidence"] is None and body[EMPLOYER]["changed_at"]
    assert [(h["consent"], h["granted"]) for h in body["history"]] == [(EMPLOYER, False), (INSURER, True)]
    assert case["consents"] == {EMPLOYER: False, INSURER: True}


def test_the_consents_given_at_intake_keep_what_they_rest_on(client, tokens):
    """The workspace's new-case form records the consents with their evidence (a signed form's reference)."""
    case = create(client, tokens, consents={EMPLOYER: True, INSURER: False, "evidence": "signed form WD-12"})
    body = client.get(f"/v1/cases/{case['id']}/consents", headers=tokens.headers("tara")).json()
    assert [(h["consent"], h["granted"], h["evidence"]) for h in body["history"]] == [
        (EMPLOYER, True, "signed form WD-12"),
        (INSURER, False, "signed form WD-12"),
    ]
    assert case["consents"] == {EMPLOYER: True, INSURER: False}  # the flags, never the evidence
    refused = client.post(
        "/v1/cases", json={**copy.deepcopy(CASE), "consents": {"evidence": ""}}, headers=tokens.headers("tara")
    )
    assert refused.status_code == 422 and refused.json()["errors"][0]["field"] == "consents.evidence"


def test_withdrawing_is_recorded_with_who_when_and_evidence_and_announced_with_ids_and_flags_only(
    client, tokens, intake_settings
):
    case = create(client, tokens)
    response = put(
        client,
        tokens,
        case["id"],
        {EMPLOYER: {"granted": False, "evidence": "signed form WD-12"}},
        if_match=f'"{case["version"]}"',
    )
    assert response.status_code == 200, response.text
    assert response.headers["ETag"] == f'"{case["version"] + 1}"'
    body = response.json()
    assert body["version"] == case["version"] + 1
    assert (body[EMPLOYER]["granted"], body[EMPLOYER]["evidence"], body[INSURER]["granted"]) == (
        False,
        "signed form WD-12",
        True,
    )
    assert [(h["consent"], h["granted"], h["evidence"]) for h in body["history"]][-1] == (
        EMPLOYER,
        False,
        "signed form WD-12",
    )
    assert len(body["history"]) == 3

    [event] = outbox(intake_settings, "rtw.case.consent_changed.v1")
    assert (event["consent"], event["granted"], event["changed_by"]) == (EMPLOYER, False, case["therapist_id"])
    assert event["case"]["version"] == case["version"] + 1
    assert event["case"]["consents"] == {EMPLOYER: False, INSURER: True}
    assert "WD-12" not in json.dumps(event)
    assert len(outbox(intake_settings, "rtw.case.shared_with_employer.v1")) == 1  # the one at creation

    timeline = client.get(f"/v1/cases/{case['id']}/timeline", headers=tokens.headers("tara")).json()["items"]
    assert [(e["kind"], e["actor"], e["data"]) for e in timeline][-1] == (
        "consent.changed",
        "tara",
        {"consent": EMPLOYER, "granted": False},
    )
    assert "WD-12" not in json.dumps(timeline)
    assert client.get(f"/v1/cases/{case['id']}", headers=tokens.headers("tara")).json()["consents"] == {
        EMPLOYER: False,
        INSURER: True,
    }


def test_the_same_value_again_is_no_change_no_row_no_event_no_new_version(client, tokens, intake_settings):
    case = create(client, tokens)
    response = put(client, tokens, case["id"], {INSURER: {"granted": True, "evidence": "asked again"}})
    assert response.status_code == 200 and response.headers["ETag"] == f'"{case["version"]}"'
    assert len(response.json()["history"]) == 2
    assert outbox(intake_settings, "rtw.case.consent_changed.v1") == []
    kinds = [
        e["kind"]
        for e in client.get(f"/v1/cases/{case['id']}/timeline", headers=tokens.headers("tara")).json()["items"]
    ]
    assert kinds == ["case.opened"]


def test_regranting_the_employer_consent_shares_name_and_job_again(client, tokens, intake_settings):
    case = create(client, tokens)
    decide(client, tokens, case["id"], **{EMPLOYER: False})
    regranted = decide(client, tokens, case["id"], **{EMPLOYER: True})
    assert regranted["version"] == case["version"] + 2
    changes = outbox(intake_settings, "rtw.case.consent_changed.v1")
    assert [(e["granted"], e["case"]["version"]) for e in changes] == [(False, 2), (True, 3)]
    shared = outbox(intake_settings, "rtw.case.shared_with_employer.v1")
    assert [(e["worker_name"], e["job_title"], e["case"]["version"]) for e in shared] == [
        ("Maria Lopez", "Warehouse associate", 1),
        ("Maria Lopez", "Warehouse associate", 3),
    ]


def test_both_consents_at_once_are_two_changes_of_one_version(client, tokens, intake_settings):
    case = create(client, tokens)
    body = decide(client, tokens, case["id"], **{EMPLOYER: False, INSURER: False})
    assert body["version"] == case["version"] + 1
    changes = outbox(intake_settings, "rtw.case.consent_changed.v1")
    assert sorted((e["consent"], e["granted"], e["case"]["version"]) for e in changes) == [
        (EMPLOYER, False, 2),
        (INSURER, False, 2),
    ]
    assert changes[-1]["case"]["consents"] == {EMPLOYER: False, INSURER: False}


def test_a_consent_change_is_a_change_the_case_list_reports(client, tokens, db):
    case = create(client, tokens)
    with db.connect() as conn:
        since = conn.execute(text("SELECT clock_timestamp()")).scalar().isoformat()
    poll = {"updated_since": since}
    assert client.get("/v1/cases", params=poll, headers=tokens.headers("erin")).json()["items"] == []
    decide(client, tokens, case["id"], **{EMPLOYER: False})
    [item] = client.get("/v1/cases", params=poll, headers=tokens.headers("erin")).json()["items"]
    assert (item["id"], item["worker"], item["restrictions_shared"]) == (case["id"], None, False)


def test_a_stale_if_match_is_412_and_changes_nothing(client, tokens, intake_settings):
    case = create(client, tokens)
    assert (
        client.post(
            f"/v1/cases/{case['id']}/transitions", json={"to": "assessing"}, headers=tokens.headers("tara")
        ).status_code
        == 200
    )
    stale = put(client, tokens, case["id"], {INSURER: {"granted": False}}, if_match=f'"{case["version"]}"')
    assert stale.status_code == 412 and stale.headers["ETag"] == f'"{case["version"] + 1}"'
    assert outbox(intake_settings, "rtw.case.consent_changed.v1") == []
    assert client.get(f"/v1/cases/{case['id']}/consents", headers=tokens.headers("tara")).json()[INSURER]["granted"]


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({}, "body"),
        ({INSURER: None}, INSURER),
        ({INSURER: True}, INSURER),
        ({INSURER: {"granted": "false"}}, f"{INSURER}.granted"),
        ({INSURER: {"granted": False, "evidence": "x" * 501}}, f"{INSURER}.evidence"),
        ({INSURER: {"granted": False, "evidence": ""}}, f"{INSURER}.evidence"),
        ({"share_everything": {"granted": True}}, "share_everything"),
        ({INSURER: {"granted": False, "by": "me"}}, f"{INSURER}.by"),
    ],
)
def test_a_bad_body_is_422_naming_the_field_and_changes_nothing(client, tokens, intake_settings, body, field):
    case = create(client, tokens)
    response = put(client, tokens, case["id"], body)
    assert response.status_code == 422, response.text
    assert field in response.text
    assert outbox(intake_settings, "rtw.case.consent_changed.v1") == []


@pytest.mark.parametrize(("user", "expected"), [("theo", 404), ("erin", 403), ("ivy", 403), ("ada", 403)])
def test_only_the_clinics_therapists_read_and_change_consents(client, tokens, user, expected):
    case = create(client, tokens)
    assert client.get(f"/v1/cases/{case['id']}/consents", headers=tokens.headers(user)).status_code == expected
    assert put(client, tokens, case["id"], {INSURER: {"granted": False}}, user=user).status_code == expected


# --- what each consent lets the others read, through every intake read endpoint -----------------

READS = ("case", "status", "timeline", "list")
STATES = {  # name: the consents in force, and the decisions that lead there from both granted
    "granted": ((True, True), []),
    "employer withdrawn": ((False, True), [{EMPLOYER: False}]),
    "insurer withdrawn": ((True, False), [{INSURER: False}]),
    "both withdrawn": ((False, False), [{EMPLOYER: False, INSURER: False}]),
    "re-granted": ((True, True), [{EMPLOYER: False, INSURER: False}, {EMPLOYER: True}, {INSURER: True}]),
}


def expected_read(user: str, read: str, employer_consent: bool, insurer_consent: bool) -> int:
    """What the product spec's "Who may see what" table allows each caller (the list: 200 when the case is
    listed, 404 when it is not)."""
    if user == "tara":
        return 200
    if user in ("theo", "ian") or (user == "ivy" and not insurer_consent):
        return 404
    if user in ("erin", "evan") and read in ("status", "timeline"):
        return 403
    return 404 if user == "evan" else 200


def expected_fields(user: str, employer_consent: bool):
    """What the employer and the insurer see of the worker in a case view they may read."""
    if user == "erin":  # name, job, restrictions, and the flag saying why they are missing
        return (employer_consent,) * 4
    return ("Lopez", 1) if user == "ivy" else None


def shown_fields(user: str, body: dict):
    if user == "erin":
        return (
            body["worker"] is not None,
            body["employment"] is not None,
            bool(body["restrictions"]),
            body["restrictions_shared"],
        )
    return (body["worker"]["family_name"], len(body["restrictions"])) if user == "ivy" else None


def read(client, tokens, user: str, case_id: str, what: str):
    if what == "list":
        items = client.get("/v1/cases", headers=tokens.headers(user)).json()["items"]
        found = [item for item in items if item["id"] == case_id]
        return (200, found[0]) if found else (404, None)
    path = {"case": "", "status": "/status", "timeline": "/timeline"}[what]
    response = client.get(f"/v1/cases/{case_id}{path}", headers=tokens.headers(user))
    return response.status_code, response.json()


@pytest.mark.parametrize("state", list(STATES))
def test_each_consent_state_shows_every_organisation_exactly_what_it_allows(client, tokens, state):
    (employer_consent, insurer_consent), steps = STATES[state]
    case = create(client, tokens)
    for step in steps:
        decide(client, tokens, case["id"], **step)
    leaks = []
    for user in ("tara", "theo", "erin", "evan", "ivy", "ian"):
        for what in READS:
            status, body = read(client, tokens, user, case["id"], what)
            if status != expected_read(user, what, employer_consent, insurer_consent):
                leaks.append((user, what, status))
            elif (
                status == 200
                and what in ("case", "list")
                and shown_fields(user, body) != expected_fields(user, employer_consent)
            ):
                leaks.append((user, what, shown_fields(user, body)))
    assert leaks == []
