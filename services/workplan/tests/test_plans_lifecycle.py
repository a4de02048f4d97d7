"""A withdrawn or closed case cancels its plans: they can no longer be edited or published (409,
saying why), and they stay readable as cancelled to whoever could read them."""

from __future__ import annotations

import pytest

from rtw_devstack.journey import PLAN


def plan_of(client, tokens, case_id) -> dict:
    [plan] = client.get(f"/v1/plans?case_id={case_id}", headers=tokens.headers("tara")).json()["items"]
    return plan


@pytest.mark.parametrize("ending", ["withdrawn", "closed"])
def test_a_cancelled_plan_cannot_be_edited_or_published(client, tokens, deliver, case_story, ending):
    story = case_story()
    deliver(story.created())
    plan_id = plan_of(client, tokens, story.case_id)["id"]
    assert client.put(f"/v1/plans/{plan_id}", json=PLAN, headers=tokens.headers("tara")).status_code == 200
    deliver(story.status(ending))
    read = client.get(f"/v1/plans/{plan_id}", headers=tokens.headers("tara"))
    assert (read.json()["status"], read.headers["ETag"]) == ("cancelled", '"3"')
    assert client.get(f"/v1/plans/{plan_id}", headers=tokens.headers("ivy")).json()["status"] == "cancelled"
    edit = client.put(f"/v1/plans/{plan_id}", json=PLAN, headers={**tokens.headers("tara"), "If-Match": '"3"'})
    publish = client.post(f"/v1/plans/{plan_id}/publish", headers=tokens.headers("tara"))
    assert (edit.status_code, publish.status_code) == (409, 409)
    assert edit.json()["detail"] == (
        f"plan {plan_id} version 1 is cancelled (the case is {ending}); only a draft can be edited"
    )
    assert publish.json()["detail"].endswith(f"is cancelled (the case is {ending}); only a draft can be published")
    assert plan_of(client, tokens, story.case_id)["status"] == "cancelled"


def test_an_edit_read_before_the_cancellation_is_412(client, tokens, deliver, case_story):
    # The cancellation is a change like any other: an editor's copy from before it is stale.
    story = case_story()
    deliver(story.created())
    plan_id = plan_of(client, tokens, story.case_id)["id"]
    read = client.get(f"/v1/plans/{plan_id}", headers=tokens.headers("tara")).headers["ETag"]
    deliver(story.status("withdrawn"))
    edit = client.put(f"/v1/plans/{plan_id}", json=PLAN, headers={**tokens.headers("tara"), "If-Match": read})
    assert edit.status_code == 412
