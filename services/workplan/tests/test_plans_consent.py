"""Who sees a plan follows the case copy and the worker's consents (rtw_shared.access, Part.PROGRESS):
withdrawing the insurer's consent hides the case's plans from the insurer (404 and absent from lists),
re-granting shows them again; the employer's consent changes nothing here (employers read no plans)."""

from __future__ import annotations

import pytest

from rtw_devstack.journey import PLAN

USERS = ("tara", "theo", "erin", "evan", "ivy", "ian", "ada")
# What each demo user gets from GET /v1/plans/{id} of a case of tara's clinic, acme and northwind.
SHARED = {"tara": 200, "theo": 404, "erin": 403, "evan": 403, "ivy": 200, "ian": 404, "ada": 403}
INSURER_WITHDRAWN = {**SHARED, "ivy": 404}


def plan_of(client, tokens, case_id) -> str:
    [plan] = client.get(f"/v1/plans?case_id={case_id}", headers=tokens.headers("tara")).json()["items"]
    return plan["id"]


def seen_by(client, tokens, user: str, case_id, plan_id) -> tuple[int, bool, bool]:
    """(GET status, in `?case_id=`, in the whole list) — the lists only for roles that read plans."""
    one = client.get(f"/v1/plans/{plan_id}", headers=tokens.headers(user))
    if one.status_code == 403:
        return 403, False, False
    by_case = client.get(f"/v1/plans?case_id={case_id}", headers=tokens.headers(user)).json()["items"]
    every = client.get("/v1/plans?limit=200", headers=tokens.headers(user)).json()["items"]
    return one.status_code, plan_id in [p["id"] for p in by_case], plan_id in [p["id"] for p in every]


def expected(status: int) -> tuple[int, bool, bool]:
    return status, status == 200, status == 200


@pytest.mark.parametrize(
    ("changes", "outcome"),
    [
        ([], SHARED),
        ([("share_status_with_insurer", False)], INSURER_WITHDRAWN),
        ([("share_status_with_insurer", False), ("share_status_with_insurer", True)], SHARED),
        ([("share_restrictions_with_employer", False)], SHARED),
        ([("share_restrictions_with_employer", False), ("share_restrictions_with_employer", True)], SHARED),
        ([("share_restrictions_with_employer", False), ("share_status_with_insurer", False)], INSURER_WITHDRAWN),
    ],
)
def test_each_role_sees_the_plan_as_the_consents_allow(client, tokens, deliver, case_story, changes, outcome):
    story = case_story()
    deliver(story.created())
    plan_id = plan_of(client, tokens, story.case_id)
    for consent, granted in changes:
        deliver(story.consent(consent, granted))
    seen = {user: seen_by(client, tokens, user, story.case_id, plan_id) for user in USERS}
    assert seen == {user: expected(status) for user, status in outcome.items()}


def test_withdrawal_hides_the_plan_from_the_insurer_and_regranting_shows_it_again(client, tokens, deliver, case_story):
    story = case_story()
    deliver(story.created())
    plan_id = plan_of(client, tokens, story.case_id)
    assert client.put(f"/v1/plans/{plan_id}", json=PLAN, headers=tokens.headers("tara")).status_code == 200
    assert client.post(f"/v1/plans/{plan_id}/publish", headers=tokens.headers("tara")).status_code == 200
    assert seen_by(client, tokens, "ivy", story.case_id, plan_id) == (200, True, True)
    deliver(story.consent("share_status_with_insurer", False))
    hidden = client.get(f"/v1/plans/{plan_id}", headers=tokens.headers("ivy"))
    assert hidden.status_code == 404
    assert hidden.headers["content-type"] == "application/problem+json"
    assert hidden.json()["detail"] == f"plan {plan_id} not found"
    assert "projected" not in hidden.text and "schedule" not in hidden.text
    assert seen_by(client, tokens, "ivy", story.case_id, plan_id) == (404, False, False)
    assert seen_by(client, tokens, "tara", story.case_id, plan_id) == (200, True, True)
    deliver(story.consent("share_status_with_insurer", True))
    again = client.get(f"/v1/plans/{plan_id}", headers=tokens.headers("ivy"))
    assert again.status_code == 200
    assert again.json()["projections"]["projected_cost"] == 175.0 + 120.0 * 6
    assert "goals" not in again.json()


def test_a_case_created_without_the_insurers_consent_never_shows_it_the_plan(client, tokens, deliver, case_story):
    shared, private = case_story(), case_story(share_status_with_insurer=False)
    deliver(shared.created())
    deliver(private.created())
    private_plan = plan_of(client, tokens, private.case_id)
    assert seen_by(client, tokens, "ivy", private.case_id, private_plan) == (404, False, False)
    listed = client.get("/v1/plans", headers=tokens.headers("ivy")).json()["items"]
    assert [p["case_id"] for p in listed] == [str(shared.case_id)]
    assert len(client.get("/v1/plans", headers=tokens.headers("tara")).json()["items"]) == 2


def test_an_older_snapshot_arriving_late_does_not_show_the_plan_again(client, tokens, deliver, case_story):
    story = case_story()
    created = story.created()
    regranted_before = story.consent("share_restrictions_with_employer", False)  # version 2, insurer shared
    withdrawn = story.consent("share_status_with_insurer", False)  # version 3
    deliver(created)
    deliver(withdrawn)
    deliver(regranted_before)
    plan_id = plan_of(client, tokens, story.case_id)
    assert seen_by(client, tokens, "ivy", story.case_id, plan_id) == (404, False, False)


def test_the_list_pages_only_through_what_the_insurer_may_see(client, tokens, deliver, case_story):
    # Filtered in SQL, so a page is full and the cursor ends where the visible plans end.
    visible = [case_story() for _ in range(3)]
    for story in [*visible, case_story(share_status_with_insurer=False), case_story(insurer_org_id="contoso")]:
        deliver(story.created())
    first = client.get("/v1/plans?limit=2", headers=tokens.headers("ivy")).json()
    second = client.get(f"/v1/plans?limit=2&cursor={first['next_cursor']}", headers=tokens.headers("ivy")).json()
    assert (len(first["items"]), len(second["items"]), second["next_cursor"]) == (2, 1, None)
    assert {p["case_id"] for p in first["items"] + second["items"]} == {str(s.case_id) for s in visible}
