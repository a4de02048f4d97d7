"""Every authenticated request to employer's API leaves an audit row naming the cases it let through
(docs/audit.md): a list the cases it returned, a read or a decision its case, a refusal none."""

from __future__ import annotations

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.exc import DBAPIError

from .conftest import INSURER_CONSENT


@pytest.fixture
def owner(employer_settings):
    engine = create_engine(employer_settings.migration_database_url)  # the owner: it can get around the triggers
    yield engine
    engine.dispose()


def audit_rows(engine) -> list[dict]:
    with engine.connect() as conn:
        return [
            dict(r)
            for r in conn.execute(
                text(
                    "SELECT username, role, org_id, action, method, path, resource_type, resource_id, outcome, "
                    "status_code, "
                    "case_ids FROM audit_log ORDER BY id"
                )
            ).mappings()
        ]


def test_list_read_and_decision_rows_name_exactly_the_cases_let_through(client, tokens, deliver, open_request, engine):
    first_id, first = open_request()
    second_id, second = open_request()
    deliver(*second.consent(INSURER_CONSENT, False))
    listed = client.get("/v1/accommodations", headers=tokens.headers("erin")).json()["items"]
    assert client.get(f"/v1/accommodations/{first_id}", headers=tokens.headers("erin")).status_code == 200
    assert (
        client.post(
            f"/v1/accommodations/{first_id}/decision", json={"decision": "confirmed"}, headers=tokens.headers("erin")
        ).status_code
        == 200
    )
    insurer_list = client.get("/v1/accommodations", headers=tokens.headers("ivy")).json()["items"]
    assert client.get(f"/v1/accommodations/{second_id}", headers=tokens.headers("ivy")).status_code == 404
    assert client.get(f"/v1/accommodations/{first_id}", headers=tokens.headers("evan")).status_code == 404
    rows = audit_rows(engine)
    assert [(r["username"], r["method"], r["status_code"], r["case_ids"]) for r in rows] == [
        ("erin", "GET", 200, [i["case_id"] for i in listed]),
        ("erin", "GET", 200, [str(first.case_id)]),
        ("erin", "POST", 200, [str(first.case_id)]),
        ("ivy", "GET", 200, [str(first.case_id)]),  # the second case: the worker withdrew the insurer's consent
        ("ivy", "GET", 404, None),
        ("evan", "GET", 404, None),
    ]
    assert {i["case_id"] for i in listed} == {str(first.case_id), str(second.case_id)}
    assert [i["case_id"] for i in insurer_list] == [str(first.case_id)]
    assert (
        rows[1]["resource_type"],
        rows[1]["resource_id"],
        rows[1]["outcome"],
        rows[1]["role"],
        rows[1]["org_id"],
    ) == ("request", first_id, "allowed", "employer", "acme")
    assert (rows[2]["action"], rows[4]["outcome"]) == ("decide", "not_found")


def test_an_unauthenticated_request_leaves_no_row(client, tokens, open_request, engine):
    request_id, _ = open_request()
    assert client.get(f"/v1/accommodations/{request_id}").status_code == 401
    assert (
        client.post(
            f"/v1/accommodations/{request_id}/decision",
            json={"decision": "confirmed"},
            headers={"Authorization": "Bearer forged"},
        ).status_code
        == 401
    )
    assert audit_rows(engine) == []


def test_the_chain_verifies_and_a_tampered_row_is_found(client, tokens, open_request, engine, owner):
    request_id, _ = open_request()
    for user in ("erin", "tara", "ivy"):
        client.get(f"/v1/accommodations/{request_id}", headers=tokens.headers(user))
    report = client.get("/v1/audit/verify", headers=tokens.headers("ada")).json()
    assert (report["intact"], report["rows"]) == (True, 3)
    with engine.begin() as conn, pytest.raises(DBAPIError):  # the application role may only append
        conn.execute(text("UPDATE audit_log SET outcome = 'denied'"))
    with owner.begin() as conn:
        target = conn.execute(text("SELECT min(id) + 1 FROM audit_log")).scalar()
        conn.execute(text("SET LOCAL session_replication_role = replica"))  # what a superuser could do
        conn.execute(text(f"UPDATE audit_log SET org_id = 'globex' WHERE id = {target}"))
    report = client.get("/v1/audit/verify", headers=tokens.headers("ada")).json()
    assert (report["intact"], report["first_broken_id"]) == (False, target)
