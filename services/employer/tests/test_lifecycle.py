"""A case that is withdrawn or closed ends its open accommodation requests (docs/domain/accommodations.md):
they become withdrawn, are announced, and can no longer be decided — whatever order the events come in."""

from __future__ import annotations

import pytest
from sqlalchemy import text


def decide(client, tokens, request_id, body, **headers):
    return client.post(
        f"/v1/accommodations/{request_id}/decision", json=body, headers={**tokens.headers("erin"), **headers}
    )


def statuses(engine, case_id) -> list[tuple[str, str | None]]:
    with engine.connect() as conn:
        return [
            tuple(r)
            for r in conn.execute(
                text(
                    "SELECT status, "
                    "withdrawn_reason FROM accommodation_requests WHERE case_id = :c ORDER BY plan_version"
                ),
                {"c": case_id},
            )
        ]


@pytest.mark.parametrize("ending", ["withdrawn", "closed"])
def test_an_ended_case_withdraws_its_open_request_and_deciding_it_is_409_saying_why(
    client, tokens, deliver, open_request, outbox, ending
):
    request_id, story = open_request()
    read = client.get(f"/v1/accommodations/{request_id}", headers=tokens.headers("erin"))
    deliver(story.moved(ending))
    response = decide(client, tokens, request_id, {"decision": "confirmed"})
    assert response.status_code == 409
    assert response.headers["content-type"] == "application/problem+json"
    assert response.json()["detail"] == (
        f"accommodation request was withdrawn (the case was {ending}); it can no longer be decided"
    )
    stale = decide(client, tokens, request_id, {"decision": "confirmed"}, **{"If-Match": read.headers["ETag"]})
    assert stale.status_code == 412  # read before the withdrawal: reload first
    now = client.get(f"/v1/accommodations/{request_id}", headers=tokens.headers("erin"))
    assert (now.json()["status"], now.json()["withdrawn_reason"], now.headers["ETag"]) == (
        "withdrawn",
        f"the case was {ending}",
        '"2"',
    )
    assert client.get(f"/v1/accommodations/{request_id}", headers=tokens.headers("ivy")).json()["status"] == "withdrawn"
    event_type, payload = outbox()[-1]
    assert event_type == "rtw.accommodation.withdrawn.v1"
    assert payload == {
        "case_id": str(story.case_id),
        "accommodation_id": request_id,
        "employer_org_id": "acme",
        "reason": f"the case was {ending}",
        "replaced_by_version": None,
    }
    assert "worker changed employer" not in str(outbox())  # the therapist's own words stay in intake


def test_only_open_requests_are_withdrawn_and_only_once(
    client, tokens, deliver, case_story, plan_published, engine, outbox
):
    story = case_story()
    deliver(*story.opened(), plan_published(story.case_id, version=1))
    first = request_ids(engine, story.case_id)[0]
    assert decide(client, tokens, first, {"decision": "confirmed"}).status_code == 200
    deliver(plan_published(story.case_id, version=2))  # a confirmed request is never replaced
    second = request_ids(engine, story.case_id)[1]
    counter = {"description": "Packing station instead"}
    assert decide(client, tokens, second, {"decision": "countered", "counter": counter}).status_code == 200
    ended = story.moved("withdrawn")
    deliver(ended, ended, *story.consent("share_status_with_insurer", False))  # redelivered, then a later event
    assert statuses(engine, story.case_id) == [("confirmed", None), ("withdrawn", "the case was withdrawn")]
    withdrawn = [p["accommodation_id"] for t, p in outbox() if t == "rtw.accommodation.withdrawn.v1"]
    assert withdrawn == [second]


def request_ids(engine, case_id) -> list[str]:
    """The case's requests, oldest plan version first."""
    with engine.connect() as conn:
        query = text("SELECT id FROM accommodation_requests WHERE case_id = :c ORDER BY plan_version")
        return [str(i) for i in conn.execute(query, {"c": case_id}).scalars()]


def test_a_plan_published_for_a_case_that_ended_opens_no_request(deliver, case_story, plan_published, engine, outbox):
    story = case_story()
    deliver(*story.opened(), story.moved("closed"), plan_published(story.case_id))
    assert statuses(engine, story.case_id) == []
    assert outbox() == []


@pytest.mark.parametrize("order", ["plan, case, end", "plan, end, case", "end, plan, case", "case, end, plan"])
def test_whatever_the_order_an_ended_case_has_no_open_request(
    client, tokens, deliver, case_story, plan_published, engine, order
):
    story = case_story()
    events = {"case": story.opened(), "end": [story.moved("withdrawn")], "plan": [plan_published(story.case_id)]}
    for name in order.split(", "):
        deliver(*events[name])
    assert all(status == "withdrawn" for status, _ in statuses(engine, story.case_id))
    for item in client.get("/v1/accommodations", headers=tokens.headers("erin")).json()["items"]:
        assert decide(client, tokens, item["id"], {"decision": "confirmed"}).status_code == 409
