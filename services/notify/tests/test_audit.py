"""Every authenticated inbox request leaves an audit row naming exactly the cases it returned;
a stranger's request leaves none. Real database and tokens."""

from __future__ import annotations

import uuid

from sqlalchemy import text


def audit_rows(engine) -> list[dict]:
    with engine.connect() as conn:
        rows = conn.execute(
            text(
                "SELECT username, role, org_id, action, method, outcome, status_code, resource_type, "
                "resource_id, case_ids FROM audit_log ORDER BY id"
            )
        )
        return [dict(row._mapping) for row in rows]


def two_requested_cases(apply, events, subject_of) -> list:
    cases = [events.case_created(therapist_id=subject_of("tara")) for _ in range(2)]
    for case in cases:
        apply(case)
        apply(events.requested(case))
    return cases


def test_an_inbox_page_records_the_cases_it_returned(client, tokens, apply, events, subject_of, engine):
    older, newer = two_requested_cases(apply, events, subject_of)
    first = client.get("/v1/notifications?limit=1", headers=tokens.headers("erin")).json()
    client.get(f"/v1/notifications?limit=1&cursor={first['next_cursor']}", headers=tokens.headers("erin"))
    client.get("/v1/notifications", headers=tokens.headers("evan"))
    assert [
        (r["username"], r["role"], r["org_id"], r["action"], r["outcome"], r["case_ids"]) for r in audit_rows(engine)
    ] == [
        ("erin", "employer", "acme", "list_notifications", "allowed", [str(newer.case_id)]),
        ("erin", "employer", "acme", "list_notifications", "allowed", [str(older.case_id)]),
        ("evan", "employer", "globex", "list_notifications", "allowed", None),
    ]


def test_marking_read_records_the_case_and_a_refused_one_records_none(
    client, tokens, apply, events, subject_of, engine
):
    case, _ = two_requested_cases(apply, events, subject_of)
    [item] = [
        n
        for n in client.get("/v1/notifications", headers=tokens.headers("erin")).json()["items"]
        if n["case_id"] == str(case.case_id)
    ]
    assert client.post(f"/v1/notifications/{item['id']}/read", headers=tokens.headers("erin")).status_code == 200
    assert client.post(f"/v1/notifications/{item['id']}/read", headers=tokens.headers("evan")).status_code == 404
    *_, by_erin, by_evan = audit_rows(engine)
    assert (
        by_erin["action"],
        by_erin["method"],
        by_erin["resource_type"],
        by_erin["resource_id"],
        by_erin["case_ids"],
    ) == ("mark_notification_read", "POST", "notification", item["id"], [str(case.case_id)])
    assert (by_evan["username"], by_evan["outcome"], by_evan["status_code"], by_evan["case_ids"]) == (
        "evan",
        "not_found",
        404,
        None,
    )


def test_unauthenticated_requests_leave_no_row_and_the_chain_verifies(client, tokens, engine):
    assert client.get("/v1/notifications").status_code == 401
    assert client.post(f"/v1/notifications/{uuid.uuid4()}/read").status_code == 401
    assert audit_rows(engine) == []
    client.get("/v1/notifications", headers=tokens.headers("tara"))
    report = client.get("/v1/audit/verify", headers=tokens.headers("ada")).json()
    assert report == {"intact": True, "rows": 1, "first_broken_id": None, "reason": None}
    rows = client.get("/v1/audit", headers=tokens.headers("ada")).json()["items"]
    assert [(r["username"], r["action"]) for r in rows] == [("ada", "verify_audit"), ("tara", "list_notifications")]
