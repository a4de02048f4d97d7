"""Intake's case API on the real database and real tokens."""

from __future__ import annotations

import json
import uuid

import pytest
from sqlalchemy import create_engine, text

from rtw_devstack.accounts import temporary_account
from rtw_devstack.journey import CASE, new_case


def create(client, tokens, user="tara"):
    response = client.post("/v1/cases", json=new_case(), headers=tokens.headers(user))
    assert response.status_code == 201, response.text
    return response.json()


def outbox_types(settings) -> list[str]:
    engine = create_engine(settings.database_url)
    with engine.connect() as conn:
        rows = conn.execute(text("SELECT event_type FROM outbox ORDER BY id")).scalars().all()
    engine.dispose()
    return rows


def outbox_payloads(settings) -> list[dict]:
    engine = create_engine(settings.database_url)
    with engine.connect() as conn:
        rows = conn.execute(text("SELECT payload FROM outbox ORDER BY id")).scalars().all()
    engine.dispose()
    return [json.loads(row) for row in rows]


def test_therapist_creates_a_case_and_its_events_wait_in_the_outbox(client, tokens, intake_settings):
    case = create(client, tokens)
    assert case["status"] == "referred"
    assert case["clinic_org_id"] == "clinic-north"
    assert case["reference"].startswith("RTW-20")
    assert case["consents"] == {"share_restrictions_with_employer": True, "share_status_with_insurer": True}
    assert outbox_types(intake_settings) == ["rtw.case.created.v1", "rtw.case.shared_with_employer.v1"]


def test_every_event_carries_the_case_snapshot_after_its_change(client, tokens, intake_settings):
    case = create(client, tokens)
    moved = client.post(f"/v1/cases/{case['id']}/transitions", json={"to": "assessing"}, headers=tokens.headers("tara"))
    assert moved.status_code == 200
    created, shared, status_changed = outbox_payloads(intake_settings)
    snapshot = {
        "version": 1,
        "reference": case["reference"],
        "status": "referred",
        "clinic_org_id": "clinic-north",
        "employer_org_id": "acme",
        "insurer_org_id": "northwind",
        "therapist_id": case["therapist_id"],
        "therapist_email": created["therapist_email"],
        "consents": {"share_restrictions_with_employer": True, "share_status_with_insurer": True},
        "claim_number": case["claim"]["claim_number"],
    }
    assert created["therapist_email"]  # the demo realm's users have one; every later snapshot repeats it
    assert created["case"] == shared["case"] == snapshot
    assert status_changed["case"] == {**snapshot, "version": 2, "status": "assessing"}
    assert (shared["worker_name"], shared["job_title"]) == ("Maria Lopez", "Warehouse associate")


def test_without_the_employer_consent_no_identity_is_sent(client, tokens, intake_settings):
    body = {**new_case(), "consents": {"share_restrictions_with_employer": False}}
    response = client.post("/v1/cases", json=body, headers=tokens.headers("tara"))
    assert response.status_code == 201, response.text
    assert response.json()["consents"] == {"share_restrictions_with_employer": False, "share_status_with_insurer": True}
    [created] = outbox_payloads(intake_settings)
    assert created["case"]["consents"] == {"share_restrictions_with_employer": False, "share_status_with_insurer": True}
    assert "Lopez" not in json.dumps(created)


@pytest.mark.parametrize(
    ("user", "visible", "absent"),
    [
        ("tara", {"worker", "claim", "employment"}, set()),
        ("erin", {"worker", "employment"}, {"claim"}),
        ("ivy", {"worker", "claim"}, {"employment"}),
    ],
)
def test_each_role_reads_its_own_view(client, tokens, user, visible, absent):
    case = create(client, tokens)
    response = client.get(f"/v1/cases/{case['id']}", headers=tokens.headers(user))
    assert response.status_code == 200, response.text
    body = response.json()
    assert visible <= set(body)
    assert not absent & set(body)
    if user == "erin":
        assert set(body["worker"]) == {"given_name", "family_name"}
        assert "diagnosis_codes" not in response.text and "date_of_birth" not in response.text


@pytest.mark.parametrize("user", ["theo", "evan", "ian"])
def test_other_organisations_get_404(client, tokens, user):
    case = create(client, tokens)
    response = client.get(f"/v1/cases/{case['id']}", headers=tokens.headers(user))
    assert response.status_code == 404
    assert response.headers["content-type"] == "application/problem+json"


def test_only_therapists_create_cases(client, tokens, intake_settings):
    response = client.post("/v1/cases", json=CASE, headers=tokens.headers("ivy"))
    assert response.status_code == 403
    assert outbox_types(intake_settings) == []


def test_a_therapist_is_emailed_only_at_an_address_keycloak_verified(client, tokens, rtw_infra, intake_settings):
    """Notify emails case news to the address a case names: never one its therapist merely typed in."""
    address = f"someone-{uuid.uuid4().hex[:8]}@elsewhere.example"
    with temporary_account(
        rtw_infra.keycloak_url,
        rtw_infra.keycloak_realm,
        org_id="clinic-north",
        email=address,
        email_verified=False,
        roles=("therapist",),
    ) as therapist:
        response = client.post("/v1/cases", json=new_case(), headers=therapist.headers)
    assert response.status_code == 201, response.text
    create(client, tokens)  # tara's address is verified in the demo realm
    created, shared, taras, _ = outbox_payloads(intake_settings)
    assert (created["therapist_email"], created["case"]["therapist_email"], shared["case"]["therapist_email"]) == (
        None,
        None,
        None,
    )
    assert taras["therapist_email"] == "tara@clinic-north.example"


def test_no_token_is_401_and_a_forged_token_is_401(client, tokens):
    assert client.get("/v1/cases").status_code == 401
    token = tokens.user("tara")
    forged = token[:-4] + ("AAAA" if not token.endswith("AAAA") else "BBBB")
    assert client.get("/v1/cases", headers={"Authorization": f"Bearer {forged}"}).status_code == 401


def test_bad_input_is_422_naming_the_field_and_writes_nothing(client, tokens, intake_settings):
    bad = {**CASE, "employment": {**CASE["employment"], "hours_per_day": 25}}
    response = client.post("/v1/cases", json=bad, headers=tokens.headers("tara"))
    assert response.status_code == 422
    assert "employment.hours_per_day" in response.json()["detail"]
    broken = client.post(
        "/v1/cases", content=b"{not json", headers={**tokens.headers("tara"), "content-type": "application/json"}
    )
    assert broken.status_code == 422
    assert outbox_types(intake_settings) == []


DEEP_BODIES = {
    "arrays": b"[" * 10_000 + b"]" * 10_000,  # 20 KB: deeper than Python's JSON parser recurses
    "objects": b'{"a":' * 10_000 + b"1" + b"}" * 10_000,
}


@pytest.mark.parametrize("shape", sorted(DEEP_BODIES))
def test_deeply_nested_json_is_422_not_a_server_error(client, tokens, intake_settings, shape):
    response = client.post(
        "/v1/cases", content=DEEP_BODIES[shape], headers={**tokens.headers("tara"), "content-type": "application/json"}
    )
    assert response.status_code == 422, response.text
    assert response.headers["content-type"] == "application/problem+json"
    assert response.json()["errors"][0]["type"] == "too_deep"
    assert outbox_types(intake_settings) == []


def test_status_starts_empty_for_the_insurer(client, tokens):
    case = create(client, tokens)
    response = client.get(f"/v1/cases/{case['id']}/status", headers=tokens.headers("ivy"))
    assert response.status_code == 200
    body = response.json()
    assert body["plan"]["status"] is None and body["accommodation"]["status"] is None
    assert client.get(f"/v1/cases/{case['id']}/status", headers=tokens.headers("erin")).status_code == 403


def test_list_is_filtered_to_the_callers_organisation_and_paginated(client, tokens):
    for _ in range(3):
        create(client, tokens)
    first = client.get("/v1/cases?limit=2", headers=tokens.headers("tara")).json()
    assert len(first["items"]) == 2 and first["next_cursor"]
    second = client.get(f"/v1/cases?limit=2&cursor={first['next_cursor']}", headers=tokens.headers("tara")).json()
    ids = {c["id"] for c in first["items"]} | {c["id"] for c in second["items"]}
    assert len(ids) == 3
    assert client.get("/v1/cases", headers=tokens.headers("theo")).json()["items"] == []
    assert client.get(f"/v1/cases/{uuid.uuid4()}", headers=tokens.headers("tara")).status_code == 404
