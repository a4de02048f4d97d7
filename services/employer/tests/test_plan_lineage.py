"""A case has one plan, its versions numbered from 1, each version a plan id of its own: requests follow
the versions whatever order their publications arrive in, and the version that puts an accepted
counter-proposal into effect is linked to that request instead of asking again
(docs/domain/accommodations.md)."""

from __future__ import annotations

import itertools
import uuid
from datetime import date

import pytest
from sqlalchemy import text

from rtw_shared.events import ScheduleWeek

COUNTER = {
    "description": "Half days first, on the packing station",
    "accommodations": [{"category": "modified_duties", "description": "Packing station only"}],
    "schedule": [
        {"week": 1, "hours_per_day": 4.0, "days_per_week": 5, "duties": "modified"},
        {"week": 2, "hours_per_day": 6.0, "days_per_week": 5, "duties": "modified"},
        {"week": 3, "hours_per_day": 8.0, "days_per_week": 5, "duties": "full"},
    ],
    "schedule_start_date": "2027-01-11",
}


def requests_of(engine, case_id) -> list[tuple[int, str, str | None]]:
    """(plan version, status, why withdrawn) of each of the case's requests, oldest version first."""
    with engine.connect() as conn:
        query = text(
            "SELECT plan_version, status, withdrawn_reason FROM accommodation_requests "
            "WHERE case_id = :c ORDER BY plan_version"
        )
        return [tuple(row) for row in conn.execute(query, {"c": case_id})]


def request_of_version(engine, case_id, version: int) -> str:
    with engine.connect() as conn:
        query = text("SELECT id FROM accommodation_requests WHERE case_id = :c AND plan_version = :v")
        return str(conn.execute(query, {"c": case_id, "v": version}).scalar_one())


def decide(client, tokens, request_id: str, body: dict, user: str = "erin"):
    return client.post(f"/v1/accommodations/{request_id}/decision", json=body, headers=tokens.headers(user))


def test_each_new_version_withdraws_the_open_requests_of_the_earlier_ones(
    client, tokens, deliver, case_story, plan_published, engine, outbox
):
    story = case_story()
    deliver(*story.opened(), plan_published(story.case_id, version=1))  # each version its own plan id
    deliver(plan_published(story.case_id, version=2))
    assert requests_of(engine, story.case_id) == [
        (1, "withdrawn", "plan version 2 replaced it"),
        (2, "requested", None),
    ]
    second = request_of_version(engine, story.case_id, 2)
    countered = decide(client, tokens, second, {"decision": "countered", "counter": {"description": "Mornings"}})
    assert countered.status_code == 200
    deliver(plan_published(story.case_id, version=3))
    assert requests_of(engine, story.case_id) == [
        (1, "withdrawn", "plan version 2 replaced it"),
        (2, "withdrawn", "plan version 3 replaced it"),
        (3, "requested", None),
    ]
    withdrawn = [p for t, p in outbox() if t == "rtw.accommodation.withdrawn.v1"]
    assert [(p["reason"], p["replaced_by_version"]) for p in withdrawn] == [
        ("plan version 2 replaced it", 2),
        ("plan version 3 replaced it", 3),
    ]


ORDERS = list(itertools.permutations((1, 2, 3)))


@pytest.mark.parametrize("together", [False, True], ids=["one by one", "in one batch"])
@pytest.mark.parametrize("order", ORDERS, ids=["-".join(map(str, o)) for o in ORDERS])
def test_whatever_the_order_only_the_newest_version_asks(
    client, tokens, deliver, deliver_together, case_story, plan_published, engine, order, together
):
    story = case_story()
    versions = {v: plan_published(story.case_id, version=v) for v in (1, 2, 3)}
    deliver(*story.opened())
    (deliver_together if together else deliver)(*(versions[v] for v in order))
    shown = requests_of(engine, story.case_id)
    # An earlier version seen before a later one opened a request the later one withdrew; one seen
    # after a later one opened nothing.
    opened_before_newer = [v for i, v in enumerate(order) if v < 3 and all(w < v for w in order[:i])]
    assert shown == [
        (v, "withdrawn", f"plan version {_replacer(order, v)} replaced it") for v in opened_before_newer
    ] + [(3, "requested", None)]
    pending = client.get("/v1/accommodations?status=requested", headers=tokens.headers("erin")).json()["items"]
    assert [(item["plan_version"], item["plan_id"]) for item in pending] == [(3, str(versions[3].plan_id))]


def _replacer(order: tuple[int, ...], version: int) -> int:
    """The version that withdrew `version`'s request: the next newer one to arrive after it."""
    return next(v for v in order[order.index(version) + 1 :] if v > version)


def test_a_newer_version_without_accommodations_arriving_first_lets_no_older_one_ask(
    client, tokens, deliver, case_story, plan_published, engine
):
    story = case_story()
    deliver(*story.opened(), plan_published(story.case_id, version=2, accommodations=[]))
    deliver(plan_published(story.case_id, version=1))  # late
    assert requests_of(engine, story.case_id) == []


def test_an_unchanged_revision_arriving_before_its_predecessor_asks_the_employer(
    deliver, case_story, plan_published, engine
):
    story = case_story()
    unchanged = plan_published(story.case_id, version=2).model_copy(
        update={"supersedes_version": 1, "accommodations_changed": False, "schedule_changed": False}
    )
    deliver(*story.opened(), unchanged, plan_published(story.case_id, version=1))
    assert requests_of(engine, story.case_id) == [(2, "requested", None)]


def test_deciding_a_replaced_request_is_409_naming_why(client, tokens, deliver, case_story, plan_published, engine):
    story = case_story()
    deliver(*story.opened(), plan_published(story.case_id, version=1))
    first = request_of_version(engine, story.case_id, 1)
    read = client.get(f"/v1/accommodations/{first}", headers=tokens.headers("erin"))
    deliver(plan_published(story.case_id, version=2))
    for body in ({"decision": "confirmed"}, {"decision": "declined", "note": "No"}):
        refused = decide(client, tokens, first, body)
        assert refused.status_code == 409
        assert refused.headers["content-type"] == "application/problem+json"
        assert refused.json()["detail"] == (
            "accommodation request was withdrawn (plan version 2 replaced it); it can no longer be decided"
        )
    stale = client.post(
        f"/v1/accommodations/{first}/decision",
        json={"decision": "confirmed"},
        headers={**tokens.headers("erin"), "If-Match": read.headers["ETag"]},
    )
    assert stale.status_code == 412  # read before the replacement: reload first, then 409


def test_accepting_the_counter_of_a_replaced_request_is_409(
    client, tokens, deliver, case_story, plan_published, engine
):
    story = case_story()
    deliver(*story.opened(), plan_published(story.case_id, version=1))
    first = request_of_version(engine, story.case_id, 1)
    assert decide(client, tokens, first, {"decision": "countered", "counter": COUNTER}).status_code == 200
    deliver(plan_published(story.case_id, version=2))
    refused = client.post(f"/v1/accommodations/{first}/counter/accept", headers=tokens.headers("tara"))
    assert refused.status_code == 409
    assert refused.json()["detail"] == (
        "accommodation request was withdrawn (plan version 2 replaced it); "
        "its counter-proposal can no longer be accepted"
    )


@pytest.fixture
def agreed_version(plan_published):
    """Factory: the plan version workplan publishes from an accepted counter-proposal: exactly what was
    agreed, its weeks dated from the counter's start, naming the request."""

    def make(case_id: uuid.UUID, request_id: str, version: int = 2):
        start = date.fromisoformat(COUNTER["schedule_start_date"])
        weeks = [
            {**week, "starts_on": f"2027-01-{11 + 7 * i:02d}", "ends_on": f"2027-01-{17 + 7 * i:02d}"}
            for i, week in enumerate(COUNTER["schedule"])
        ]
        return plan_published(case_id, version=version, accommodations=COUNTER["accommodations"]).model_copy(
            update={
                "schedule": [ScheduleWeek.model_validate(w) for w in weeks],
                "schedule_start_date": start,
                "supersedes_version": version - 1,
                "accommodations_changed": True,
                "schedule_changed": True,
                "agreed_accommodation_id": uuid.UUID(request_id),
            }
        )

    return make


@pytest.fixture
def accepted(client, tokens, open_request):
    """A request whose counter-proposal (COUNTER) the therapist accepted: (its id, the case story)."""
    request_id, story = open_request()
    assert decide(client, tokens, request_id, {"decision": "countered", "counter": COUNTER}).status_code == 200
    answer = client.post(f"/v1/accommodations/{request_id}/counter/accept", headers=tokens.headers("tara"))
    assert answer.status_code == 200, answer.text
    return request_id, story


def test_until_the_agreed_version_arrives_the_accepted_counter_is_what_stands(client, tokens, accepted):
    request_id, _ = accepted
    agreed = client.get(f"/v1/accommodations/{request_id}", headers=tokens.headers("erin")).json()["agreed"]
    assert (agreed["plan_id"], agreed["plan_version"], agreed["schedule_start_date"]) == (None, None, "2027-01-11")
    assert [(w["week"], w["starts_on"], w["ends_on"]) for w in agreed["schedule"]] == [
        (1, "2027-01-11", "2027-01-17"),
        (2, "2027-01-18", "2027-01-24"),
        (3, "2027-01-25", "2027-01-31"),  # a week the request did not have
    ]
    assert agreed["accommodations"] == COUNTER["accommodations"]


def test_the_agreed_version_is_linked_to_its_request_and_asks_nothing_again(
    client, tokens, accepted, deliver, agreed_version, plan_published, engine, outbox
):
    request_id, story = accepted
    before = outbox()
    version_2 = agreed_version(story.case_id, request_id)
    deliver(version_2, version_2)  # redelivered too
    deliver(plan_published(story.case_id, version=1))  # and a late copy of version 1
    assert requests_of(engine, story.case_id) == [(1, "confirmed", None)]
    assert outbox() == before  # nothing opened, nothing withdrawn
    shown = client.get(f"/v1/accommodations/{request_id}", headers=tokens.headers("erin"))
    body = shown.json()
    assert (body["status"], body["plan_version"]) == ("confirmed", 1)
    agreed = body["agreed"]
    assert (agreed["plan_id"], agreed["plan_version"]) == (str(version_2.plan_id), 2)
    assert agreed["schedule"] == [w.model_dump(mode="json") for w in version_2.schedule]
    assert agreed["accommodations"] == COUNTER["accommodations"]
    assert [w["week"] for w in body["schedule"]] == [1, 2]  # what was originally requested, kept
    pending = client.get("/v1/accommodations?status=requested", headers=tokens.headers("erin")).json()["items"]
    assert pending == []


def test_a_later_version_after_the_agreed_one_asks_again_and_leaves_the_agreement_confirmed(
    client, tokens, accepted, deliver, agreed_version, plan_published, engine
):
    request_id, story = accepted
    deliver(agreed_version(story.case_id, request_id), plan_published(story.case_id, version=3))
    assert requests_of(engine, story.case_id) == [(1, "confirmed", None), (3, "requested", None)]


def test_the_agreed_version_is_only_linked_to_a_request_of_its_case(
    client, tokens, accepted, open_request, deliver, agreed_version
):
    request_id, _ = accepted
    _, other = open_request()
    deliver(agreed_version(other.case_id, request_id))  # names a request of another case: linked to nothing
    assert (
        client.get(f"/v1/accommodations/{request_id}", headers=tokens.headers("erin")).json()["agreed"]["plan_version"]
        is None
    )
