"""Every plan request leaves a row in workplan's audit log (rtw_shared.audit), naming exactly the
cases the access decision let the caller see; refused requests leave a row without them; requests
without a valid token leave none; the chain verifies."""

from __future__ import annotations

from sqlalchemy import create_engine, text

from rtw_devstack.journey import PLAN


def audit_rows(settings) -> list[dict]:
    engine = create_engine(settings.migration_database_url)
    with engine.connect() as conn:
        rows = (
            conn.execute(
                text(
                    "SELECT username, role, org_id, action, method, resource_type, resource_id, "
                    "case_ids, outcome, status_code FROM audit_log ORDER BY id"
                )
            )
            .mappings()
            .all()
        )
    engine.dispose()
    return [dict(row) for row in rows]


def summary(rows: list[dict]) -> list[tuple]:
    return [(r["username"], r["action"], r["status_code"], sorted(r["case_ids"] or [])) for r in rows]


def test_every_plan_endpoint_records_the_case_it_touched(client, tokens, deliver, case_story, workplan_settings):
    story = case_story()
    deliver(story.created())
    case = str(story.case_id)
    [plan] = client.get(f"/v1/plans?case_id={case}", headers=tokens.headers("tara")).json()["items"]
    plan_id = plan["id"]
    assert client.get(f"/v1/plans/{plan_id}", headers=tokens.headers("tara")).status_code == 200
    assert client.put(f"/v1/plans/{plan_id}", json=PLAN, headers=tokens.headers("tara")).status_code == 200
    assert client.post(f"/v1/plans/{plan_id}/publish", headers=tokens.headers("tara")).status_code == 200
    assert client.get(f"/v1/plans/{plan_id}", headers=tokens.headers("ivy")).status_code == 200
    rows = audit_rows(workplan_settings)
    assert summary(rows) == [
        ("tara", "list_plans", 200, [case]),
        ("tara", "get_plan", 200, [case]),
        ("tara", "replace_plan", 200, [case]),
        ("tara", "publish_plan", 200, [case]),
        ("ivy", "get_plan", 200, [case]),
    ]
    assert {(r["resource_type"], r["resource_id"]) for r in rows[1:]} == {("plan", plan_id)}
    assert (rows[-1]["role"], rows[-1]["org_id"], rows[-1]["outcome"]) == ("insurer", "northwind", "allowed")


def test_a_list_records_exactly_the_cases_it_returned(client, tokens, deliver, case_story, workplan_settings):
    shown = [case_story() for _ in range(2)]
    hidden = [case_story(share_status_with_insurer=False), case_story(insurer_org_id="contoso")]
    for story in shown + hidden:
        deliver(story.created())
    page = client.get("/v1/plans?limit=1", headers=tokens.headers("ivy")).json()
    client.get(f"/v1/plans?limit=1&cursor={page['next_cursor']}", headers=tokens.headers("ivy"))
    client.get("/v1/plans", headers=tokens.headers("ivy"))
    first, second, whole = audit_rows(workplan_settings)
    assert first["case_ids"] == [page["items"][0]["case_id"]]
    assert len(second["case_ids"]) == 1 and second["case_ids"] != first["case_ids"]
    assert sorted(whole["case_ids"]) == sorted(str(s.case_id) for s in shown)


def test_refused_requests_are_recorded_without_the_case(client, tokens, deliver, case_story, workplan_settings):
    story = case_story()
    deliver(story.created())
    [plan] = client.get(f"/v1/plans?case_id={story.case_id}", headers=tokens.headers("tara")).json()["items"]
    deliver(story.consent("share_status_with_insurer", False))
    assert client.get(f"/v1/plans/{plan['id']}", headers=tokens.headers("ivy")).status_code == 404
    assert client.get(f"/v1/plans?case_id={story.case_id}", headers=tokens.headers("ivy")).status_code == 200
    assert client.put(f"/v1/plans/{plan['id']}", json=PLAN, headers=tokens.headers("theo")).status_code == 404
    assert client.get(f"/v1/plans/{plan['id']}", headers=tokens.headers("erin")).status_code == 403
    rows = audit_rows(workplan_settings)[1:]  # after tara's list
    assert summary(rows) == [
        ("ivy", "get_plan", 404, []),
        ("ivy", "list_plans", 200, []),
        ("theo", "replace_plan", 404, []),
        ("erin", "get_plan", 403, []),
    ]
    assert [r["outcome"] for r in rows] == ["not_found", "allowed", "not_found", "denied"]


def test_a_conflict_is_recorded_with_the_case(client, tokens, deliver, case_story, workplan_settings):
    story = case_story()
    deliver(story.created())
    deliver(story.status("withdrawn"))
    [plan] = client.get(f"/v1/plans?case_id={story.case_id}", headers=tokens.headers("tara")).json()["items"]
    stale = client.put(f"/v1/plans/{plan['id']}", json=PLAN, headers={**tokens.headers("tara"), "If-Match": '"1"'})
    cancelled = client.post(f"/v1/plans/{plan['id']}/publish", headers=tokens.headers("tara"))
    assert (stale.status_code, cancelled.status_code) == (412, 409)
    assert summary(audit_rows(workplan_settings)[1:]) == [
        ("tara", "replace_plan", 412, [str(story.case_id)]),
        ("tara", "publish_plan", 409, [str(story.case_id)]),
    ]


def test_requests_without_a_valid_token_leave_no_row_and_the_chain_verifies(
    client, tokens, draft_plan, workplan_settings
):
    assert client.get(f"/v1/plans/{draft_plan}").status_code == 401
    assert (
        client.put(f"/v1/plans/{draft_plan}", json=PLAN, headers={"Authorization": "Bearer not-a-token"}).status_code
        == 401
    )
    assert audit_rows(workplan_settings) == []
    client.get(f"/v1/plans/{draft_plan}", headers=tokens.headers("tara"))
    report = client.get("/v1/audit/verify", headers=tokens.headers("ada")).json()
    assert report == {"intact": True, "rows": 1, "first_broken_id": None, "reason": None}
    mine = client.get(
        f"/v1/audit?case_id={audit_rows(workplan_settings)[0]['case_ids'][0]}", headers=tokens.headers("tara")
    ).json()["items"]
    assert [row["action"] for row in mine] == ["get_plan"]
