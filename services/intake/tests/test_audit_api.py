"""The audit log on the real database and real tokens: what is recorded, and who may read it."""

from __future__ import annotations

import uuid

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import create_engine, text
from starlette.applications import Starlette
from starlette.routing import Route

from rtw_devstack.journey import CASE
from rtw_intake.audit import recorder
from rtw_intake.audit.recorder import AuditRecorder

WHO_WHAT = ("username", "role", "org_id", "action", "method", "outcome", "status_code")


@pytest.fixture
def db(intake_settings):
    engine = create_engine(intake_settings.migration_database_url)  # the owner (one test hides the table)
    yield engine
    engine.dispose()


def audit_rows(db) -> list[dict]:
    with db.connect() as conn:
        return [dict(r) for r in conn.execute(text("SELECT * FROM audit_log ORDER BY id")).mappings()]


def summary(row: dict) -> tuple:
    return tuple(row[name] for name in WHO_WHAT)


def create(client, tokens, user="tara") -> dict:
    response = client.post("/v1/cases", json=CASE, headers=tokens.headers(user))
    assert response.status_code == 201, response.text
    return response.json()


def test_every_case_request_is_recorded_with_who_what_and_outcome(client, tokens, db):
    case = create(client, tokens)
    assert client.get(f"/v1/cases/{case['id']}", headers=tokens.headers("tara")).status_code == 200
    assert client.get(f"/v1/cases/{case['id']}", headers=tokens.headers("theo")).status_code == 404
    assert client.get(f"/v1/cases/{case['id']}").status_code == 401
    assert client.post("/v1/cases", json=CASE, headers=tokens.headers("erin")).status_code == 403
    assert client.post("/v1/cases", json={"worker": {}}, headers=tokens.headers("tara")).status_code == 422
    assert client.get("/v1/cases/not-a-case", headers=tokens.headers("ivy")).status_code == 422
    assert client.get(f"/v1/cases/{case['id']}/status", headers=tokens.headers("ivy")).status_code == 200

    rows = audit_rows(db)
    assert [summary(r) for r in rows] == [
        ("tara", "therapist", "clinic-north", "create_case", "POST", "allowed", 201),
        ("tara", "therapist", "clinic-north", "get_case", "GET", "allowed", 200),
        ("theo", "therapist", "clinic-south", "get_case", "GET", "not_found", 404),
        (None, None, None, "get_case", "GET", "denied", 401),
        ("erin", "employer", "acme", "create_case", "POST", "denied", 403),
        ("tara", "therapist", "clinic-north", "create_case", "POST", "rejected", 422),
        ("ivy", "insurer", "northwind", "get_case", "GET", "rejected", 422),
        ("ivy", "insurer", "northwind", "get_case_status", "GET", "allowed", 200),
    ]
    assert [r["resource_id"] for r in rows] == [case["id"]] * 4 + [None, None, "not-a-case", case["id"]]
    assert rows[0]["subject"] == case["therapist_id"] and rows[3]["subject"] is None
    assert rows[2]["subject"] not in (None, case["therapist_id"])
    assert {r["resource_type"] for r in rows} == {"case"}
    assert rows[1]["path"] == f"/v1/cases/{case['id']}"


def test_only_case_paths_are_recorded(client, tokens, db):
    assert client.get("/healthz").status_code == 200
    assert client.get("/v1/audit", headers=tokens.headers("ada")).status_code == 200
    assert client.get("/v1/casesx").status_code == 404
    assert audit_rows(db) == []


def test_admin_reads_everything_newest_first_and_by_case(client, tokens):
    mine, other = create(client, tokens), create(client, tokens, "theo")
    client.get(f"/v1/cases/{mine['id']}", headers=tokens.headers("theo"))
    client.get(f"/v1/cases/{mine['id']}")
    body = client.get("/v1/audit", headers=tokens.headers("ada")).json()
    assert [i["username"] for i in body["items"]] == [None, "theo", "theo", "tara"]
    assert [i["id"] for i in body["items"]] == sorted((i["id"] for i in body["items"]), reverse=True)
    assert body["next_cursor"] is None
    by_case = client.get(f"/v1/audit?case_id={other['id']}", headers=tokens.headers("ada")).json()["items"]
    assert [(i["username"], i["action"], i["resource_id"]) for i in by_case] == [("theo", "create_case", other["id"])]


def test_pages_follow_the_cursor_without_gaps_or_repeats(client, tokens):
    case = create(client, tokens)
    for _ in range(4):
        client.get(f"/v1/cases/{case['id']}", headers=tokens.headers("tara"))
    seen, cursor = [], None
    while True:
        page = client.get("/v1/audit", params={"limit": 2, "cursor": cursor}, headers=tokens.headers("ada")).json()
        seen += [i["id"] for i in page["items"]]
        cursor = page["next_cursor"]
        if cursor is None:
            break
    assert len(seen) == 5 and seen == sorted(seen, reverse=True)
    bad = client.get("/v1/audit?cursor=bm9wZQ", headers=tokens.headers("ada"))
    assert bad.status_code == 422 and bad.headers["content-type"] == "application/problem+json"


def test_a_therapist_reads_only_their_own_actions(client, tokens):
    tara_case, theo_case = create(client, tokens), create(client, tokens, "theo")
    client.get(f"/v1/cases/{theo_case['id']}", headers=tokens.headers("tara"))
    client.get(f"/v1/cases/{tara_case['id']}", headers=tokens.headers("erin"))
    tara = client.get("/v1/audit", headers=tokens.headers("tara")).json()["items"]
    assert [(i["username"], i["action"], i["outcome"]) for i in tara] == [
        ("tara", "get_case", "not_found"), ("tara", "create_case", "allowed")]
    assert {i["subject"] for i in tara} == {tara_case["therapist_id"]}
    theo = client.get(f"/v1/audit?case_id={tara_case['id']}", headers=tokens.headers("theo")).json()["items"]
    assert theo == []


@pytest.mark.parametrize("user", ["erin", "ivy"])
def test_employers_and_insurers_may_not_read_the_audit_log(client, tokens, user):
    for path in ("/v1/audit", "/v1/audit/verify"):
        response = client.get(path, headers=tokens.headers(user))
        assert response.status_code == 403
        assert response.headers["content-type"] == "application/problem+json"


def test_without_a_token_the_audit_log_is_401_and_only_admins_verify(client, tokens):
    assert client.get("/v1/audit").status_code == 401
    assert client.get("/v1/audit/verify").status_code == 401
    assert client.get("/v1/audit/verify", headers=tokens.headers("tara")).status_code == 403
    assert client.get("/v1/audit/verify", headers=tokens.headers("ada")).json() == {
        "intact": True, "rows": 0, "first_broken_id": None, "reason": None}


class CapturedLog:
    def __init__(self):
        self.errors: list[tuple[str, dict]] = []

    def exception(self, event, **fields):
        self.errors.append((event, fields))


def test_a_failed_audit_write_keeps_the_response_and_is_logged(client, tokens, db, monkeypatch):
    captured = CapturedLog()
    monkeypatch.setattr(recorder, "log", captured)
    with db.begin() as conn:  # the table disappears from under the recorder
        conn.execute(text("ALTER TABLE audit_log RENAME TO audit_log_hidden"))
    try:
        case = create(client, tokens)
        assert client.get(f"/v1/cases/{case['id']}", headers=tokens.headers("tara")).status_code == 200
    finally:
        with db.begin() as conn:
            conn.execute(text("ALTER TABLE audit_log_hidden RENAME TO audit_log"))
    assert [(event, fields["path"], fields["status"]) for event, fields in captured.errors] == [
        ("audit write failed: this request is NOT in the audit log", "/v1/cases", 201),
        ("audit write failed: this request is NOT in the audit log", f"/v1/cases/{case['id']}", 200)]
    assert audit_rows(db) == []


def test_an_unhandled_error_is_recorded_as_error(intake_settings, db):
    def boom(request):
        raise RuntimeError("boom")

    app = Starlette(routes=[Route("/v1/cases/{case_id}/boom", boom, name="boom")])
    app.add_middleware(AuditRecorder, database_url=intake_settings.database_url)
    case_id = uuid.uuid4()
    with TestClient(app, raise_server_exceptions=False) as test_client:
        assert test_client.get(f"/v1/cases/{case_id}/boom").status_code == 500
    [row] = audit_rows(db)
    assert summary(row) == (None, None, None, "boom", "GET", "error", 500)
    assert row["resource_id"] == str(case_id)


def test_a_path_postgres_cannot_store_is_still_recorded(client, tokens, db):
    assert client.get("/v1/cases/%00", headers=tokens.headers("tara")).status_code == 422
    [row] = audit_rows(db)
    assert (row["path"], row["resource_id"], row["outcome"]) == ("/v1/cases/\ufffd", "\ufffd", "rejected")
