"""The shared audit log (rtw_shared.audit, installed by create_service_app) in intake, on the real
database and real tokens: what each request records — who, what, which cases, outcome — and who
may read it."""

from __future__ import annotations

import uuid

import pytest
from fastapi import APIRouter
from fastapi.testclient import TestClient
from sqlalchemy import text

from rtw_devstack.journey import CASE, new_case
from rtw_intake.app import create_app
from rtw_shared.audit import middleware
from rtw_shared.auth import CurrentPrincipal
from rtw_shared.gate import UNAUTHENTICATED
from rtw_shared.web import create_service_app

WHO_WHAT = ("username", "role", "org_id", "action", "method", "outcome", "status_code", "case_ids")


def summary(row: dict) -> tuple:
    return tuple(row[name] for name in WHO_WHAT)


def create(client, tokens, user="tara", **changes) -> dict:
    response = client.post("/v1/cases", json={**new_case(), **changes}, headers=tokens.headers(user))
    assert response.status_code == 201, response.text
    return response.json()


def test_every_case_request_is_recorded_with_who_what_which_case_and_outcome(client, tokens, audit_rows):
    case = create(client, tokens)
    tara = {**tokens.headers("tara"), "X-Correlation-ID": "req-42"}
    assert client.get(f"/v1/cases/{case['id']}", headers=tara).status_code == 200
    assert client.get(f"/v1/cases/{case['id']}", headers=tokens.headers("theo")).status_code == 404
    assert client.post("/v1/cases", json=CASE, headers=tokens.headers("erin")).status_code == 403
    assert client.post("/v1/cases", json={"worker": {}}, headers=tokens.headers("tara")).status_code == 422
    assert client.get("/v1/cases/not-a-case", headers=tokens.headers("ivy")).status_code == 422
    assert client.get(f"/v1/cases/{case['id']}/status", headers=tokens.headers("ivy")).status_code == 200

    rows = audit_rows()
    assert [summary(r) for r in rows] == [
        ("tara", "therapist", "clinic-north", "create_case", "POST", "allowed", 201, [case["id"]]),
        ("tara", "therapist", "clinic-north", "get_case", "GET", "allowed", 200, [case["id"]]),
        ("theo", "therapist", "clinic-south", "get_case", "GET", "not_found", 404, None),
        ("erin", "employer", "acme", "create_case", "POST", "denied", 403, None),
        ("tara", "therapist", "clinic-north", "create_case", "POST", "rejected", 422, None),
        ("ivy", "insurer", "northwind", "get_case", "GET", "rejected", 422, None),
        ("ivy", "insurer", "northwind", "get_case_status", "GET", "allowed", 200, [case["id"]]),
    ]
    # A refused read still names the case it asked for, in the resource: who probed what is kept.
    assert [(r["resource_type"], r["resource_id"]) for r in rows] == [
        ("cases", None),
        ("case", case["id"]),
        ("case", case["id"]),
        ("cases", None),
        ("cases", None),
        ("case", "not-a-case"),
        ("case", case["id"]),
    ]
    assert rows[0]["subject"] == case["therapist_id"]
    assert rows[2]["subject"] not in (None, case["therapist_id"])
    assert (rows[1]["path"], rows[1]["correlation_id"]) == (f"/v1/cases/{case['id']}", "req-42")


def test_a_list_read_records_exactly_the_cases_it_returned(client, tokens, audit_rows):
    shown = [create(client, tokens) for _ in range(3)]
    private = create(
        client, tokens, consents={"share_restrictions_with_employer": True, "share_status_with_insurer": False}
    )
    theirs = create(client, tokens, "theo")  # also northwind's
    first = client.get("/v1/cases?limit=2", headers=tokens.headers("tara")).json()
    insurer = client.get("/v1/cases", headers=tokens.headers("ivy")).json()
    nothing = client.get("/v1/cases", headers=tokens.headers("ian")).json()
    tara_row, ivy_row, ian_row = audit_rows()[-3:]
    assert tara_row["case_ids"] == [item["id"] for item in first["items"]] and len(first["items"]) == 2
    assert sorted(ivy_row["case_ids"]) == sorted(item["id"] for item in insurer["items"])
    assert sorted(ivy_row["case_ids"]) == sorted([c["id"] for c in shown] + [theirs["id"]])
    assert private["id"] not in ivy_row["case_ids"]
    assert (nothing["items"], ian_row["case_ids"], ian_row["outcome"]) == ([], None, "allowed")


def test_an_unauthenticated_request_leaves_no_row_and_is_counted(client, tokens, audit_rows):
    case = create(client, tokens)
    before = UNAUTHENTICATED.labels("missing")._value.get()
    assert client.get(f"/v1/cases/{case['id']}").status_code == 401
    assert client.post("/v1/cases", json=CASE).status_code == 401
    assert client.get("/v1/audit").status_code == 401
    forged = tokens.user("tara")[:-4] + "AAAA"
    assert client.get("/v1/cases", headers={"Authorization": f"Bearer {forged}"}).status_code == 401
    assert UNAUTHENTICATED.labels("missing")._value.get() == before + 3
    assert [r["action"] for r in audit_rows()] == ["create_case"]


def test_admin_reads_everything_newest_first_and_by_case(client, tokens):
    mine, other = create(client, tokens), create(client, tokens, "theo")
    client.get(f"/v1/cases/{mine['id']}", headers=tokens.headers("theo"))
    client.get(f"/v1/cases/{mine['id']}")  # no token: not in the log
    client.get("/v1/cases", headers=tokens.headers("ivy"))
    body = client.get("/v1/audit", headers=tokens.headers("ada")).json()
    assert [(i["username"], i["action"]) for i in body["items"]] == [
        ("ivy", "list_cases"),
        ("theo", "get_case"),
        ("theo", "create_case"),
        ("tara", "create_case"),
    ]
    assert body["next_cursor"] is None
    by_case = client.get(f"/v1/audit?case_id={other['id']}", headers=tokens.headers("ada")).json()["items"]
    assert [(i["username"], i["action"]) for i in by_case] == [("ivy", "list_cases"), ("theo", "create_case")]
    assert sorted(by_case[0]["case_ids"]) == sorted([other["id"], mine["id"]])


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
    # The pages' own reads are logged too, above the first page: they never shift what follows.
    assert len(seen) == 5 and seen == sorted(seen, reverse=True)
    bad = client.get("/v1/audit?cursor=bm9wZQ", headers=tokens.headers("ada"))
    assert bad.status_code == 422 and bad.headers["content-type"] == "application/problem+json"


def test_a_therapist_reads_only_their_own_actions(client, tokens):
    tara_case, theo_case = create(client, tokens), create(client, tokens, "theo")
    client.get(f"/v1/cases/{theo_case['id']}", headers=tokens.headers("tara"))
    client.get(f"/v1/cases/{tara_case['id']}", headers=tokens.headers("erin"))
    tara = client.get("/v1/audit", headers=tokens.headers("tara")).json()["items"]
    assert [(i["username"], i["action"], i["outcome"]) for i in tara] == [
        ("tara", "get_case", "not_found"),
        ("tara", "create_case", "allowed"),
    ]
    assert {i["subject"] for i in tara} == {tara_case["therapist_id"]}
    theo = client.get(f"/v1/audit?case_id={tara_case['id']}", headers=tokens.headers("theo")).json()["items"]
    assert theo == []


@pytest.mark.parametrize("user", ["erin", "ivy"])
def test_employers_and_insurers_may_not_read_the_audit_log(client, tokens, user):
    for path in ("/v1/audit", "/v1/audit/verify"):
        response = client.get(path, headers=tokens.headers(user))
        assert response.status_code == 403
        assert response.headers["content-type"] == "application/problem+json"


def test_only_admins_verify_and_the_refusal_is_itself_logged(client, tokens):
    assert client.get("/v1/audit/verify").status_code == 401
    assert client.get("/v1/audit/verify", headers=tokens.headers("tara")).status_code == 403
    assert client.get("/v1/audit/verify", headers=tokens.headers("ada")).json() == {
        "intact": True,
        "rows": 1,
        "first_broken_id": None,
        "reason": None,
    }


class CapturedLog:
    def __init__(self):
        self.errors: list[tuple[str, dict]] = []

    def exception(self, event, **fields):
        self.errors.append((event, fields))


def test_a_write_whose_audit_row_fails_is_not_done_and_a_read_is_answered_and_logged(
    intake_settings, tokens, db, audit_rows, monkeypatch
):
    # A write carries its audit row in its own transaction: no row, no write (nothing half-written).
    # A read's row is written after it by the batching writer: the answer stands, the loss is logged.
    captured = CapturedLog()
    monkeypatch.setattr(middleware, "log", captured)
    with TestClient(create_app(intake_settings), raise_server_exceptions=False) as client:
        case = create(client, tokens)
        with db.begin() as conn:  # the table disappears from under the writers
            conn.execute(text("ALTER TABLE audit_log RENAME TO audit_log_hidden"))
        try:
            refused = client.post("/v1/cases", json=new_case(), headers=tokens.headers("tara"))
            read = client.get(f"/v1/cases/{case['id']}", headers=tokens.headers("tara"))
        finally:
            with db.begin() as conn:
                conn.execute(text("ALTER TABLE audit_log_hidden RENAME TO audit_log"))
    assert (refused.status_code, read.status_code) == (500, 200)
    assert refused.headers["content-type"] == "application/problem+json"
    assert [(event, fields["path"], fields["status"]) for event, fields in captured.errors] == [
        ("audit write failed: this request is NOT in the audit log", "/v1/cases", 500),
        ("audit write failed: this request is NOT in the audit log", f"/v1/cases/{case['id']}", 200),
    ]
    assert [row["status_code"] for row in audit_rows()] == [201]  # only the create before the table went
    with db.connect() as conn:
        assert conn.execute(text("SELECT count(*) FROM cases")).scalar() == 1


def test_an_unhandled_error_is_recorded_as_error(intake_settings, tokens, audit_rows):
    router = APIRouter()

    @router.get("/v1/cases/{case_id}/boom")
    def boom(case_id: uuid.UUID, principal: CurrentPrincipal):
        raise RuntimeError("boom")

    case_id = uuid.uuid4()
    app = create_service_app(intake_settings, title="boom", routers=[router])
    with TestClient(app, raise_server_exceptions=False) as test_client:
        assert test_client.get(f"/v1/cases/{case_id}/boom", headers=tokens.headers("tara")).status_code == 500
    [row] = audit_rows()
    assert summary(row) == ("tara", "therapist", "clinic-north", "boom", "GET", "error", 500, None)
    assert row["resource_id"] == str(case_id)


def test_a_path_postgres_cannot_store_is_still_recorded(client, tokens, audit_rows):
    assert client.get("/v1/cases/%00", headers=tokens.headers("tara")).status_code == 422
    [row] = audit_rows()
    assert (row["path"], row["resource_id"], row["outcome"]) == ("/v1/cases/\ufffd", "\ufffd", "rejected")
