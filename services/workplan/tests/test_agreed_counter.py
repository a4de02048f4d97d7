"""An accepted counter-proposal becomes the plan (issue 22, point 2): the employer's `accommodation.decided`
with `counter_accepted` publishes the next version with exactly what was agreed, linked to the request,
once, through publication's own steps — and changes nothing when the version asked about is no longer in
force. Events are built here as the employer sends them; the cross-service story is tests/e2e."""

from __future__ import annotations

import json
import uuid
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import create_engine, text

from rtw_shared.events import (
    AccommodationDecidedV1,
    AccommodationRequestedV1,
    CounterOffer,
    Envelope,
    Job,
    RequestedAccommodation,
    ScheduleWeek,
)
from rtw_shared.messaging.parking import CaseNotKnownYet
from rtw_shared.testing import SESSION_DAY
from rtw_shared.uow import UnitOfWork
from rtw_workplan import worker

from .worked_example import JOB, plan_body

TODAY = SESSION_DAY  # the apps under test read session_clock: never a day apart
START = TODAY - timedelta(days=7)
AGREED_WEEKS = [
    ScheduleWeek(week=1, hours_per_day=4, days_per_week=5, duties="modified"),
    ScheduleWeek(week=2, hours_per_day=4, days_per_week=5, duties="modified"),
    ScheduleWeek(week=3, hours_per_day=6, days_per_week=5, duties="modified"),
    ScheduleWeek(week=4, hours_per_day=8, days_per_week=5, duties="modified"),
]
AGREED_ACCOMMODATIONS = [RequestedAccommodation(category="modified_duties", description="Waist-height picking only")]


def query(settings, sql: str, **params) -> list:
    engine = create_engine(settings.database_url)
    with engine.connect() as conn:
        rows = conn.execute(text(sql), params).all()
    engine.dispose()
    return rows


def outbox(settings, event_type: str) -> list[dict]:
    rows = query(settings, "SELECT payload FROM outbox WHERE event_type = :t ORDER BY id", t=event_type)
    return [json.loads(payload) for (payload,) in rows]


def publish(client, tokens, plan_id) -> dict:
    answer = client.post(f"/v1/plans/{plan_id}/publish", headers=tokens.headers("tara"))
    if answer.status_code == 422 and not answer.json().get("problems"):
        codes = [w["code"] for w in answer.json()["warnings"]]
        answer = client.post(
            f"/v1/plans/{plan_id}/publish", json={"acknowledge": codes}, headers=tokens.headers("tara")
        )
    assert answer.status_code == 200, answer.text
    return answer.json()


class Employer:
    """The employer's events about one request for one plan version."""

    def __init__(self, case_id: uuid.UUID, plan: dict):
        self.case_id, self.plan, self.accommodation_id = case_id, plan, uuid.uuid4()

    def requested(self) -> Envelope:
        return Envelope(
            source="employer",
            data=AccommodationRequestedV1(
                case_id=self.case_id,
                accommodation_id=self.accommodation_id,
                employer_org_id="acme",
                plan_id=uuid.UUID(self.plan["id"]),
                plan_version=self.plan["version"],
                due_date=TODAY + timedelta(days=7),
            ),
        )

    def decided(self, *, counter: CounterOffer | None = None, accepted: bool = True, decision="confirmed") -> Envelope:
        return Envelope(
            source="employer",
            data=AccommodationDecidedV1(
                case_id=self.case_id,
                accommodation_id=self.accommodation_id,
                employer_org_id="acme",
                decision=decision,
                decided_by="tara-subject" if accepted else "erin-subject",
                decided_at=datetime.now(UTC),
                attestation_sha256="0" * 64,
                counter=counter,
                counter_accepted=accepted,
            ),
        )


COUNTER = CounterOffer(
    description="Four weeks back, full hours only in week 4; no floor-level picking",
    accommodations=AGREED_ACCOMMODATIONS,
    schedule=AGREED_WEEKS,
    schedule_start_date=TODAY + timedelta(days=7),
)


@pytest.fixture
def published(client, tokens, deliver, case_story):
    """A worked-example case with version 1 published (4/6/8 h, full duty in week 3) and its employer."""
    story = case_story()
    deliver(Envelope(source="intake", data=story.created().data.model_copy(update={"job": Job(**JOB)})))
    [draft] = client.get(f"/v1/plans?case_id={story.case_id}", headers=tokens.headers("tara")).json()["items"]
    assert client.put(
        f"/v1/plans/{draft['id']}", json=plan_body(START, TODAY), headers=tokens.headers("tara")
    ).is_success
    plan = publish(client, tokens, draft["id"])
    return story, plan, Employer(story.case_id, plan)


def versions(client, tokens, case_id) -> dict[int, dict]:
    items = client.get(f"/v1/plans?case_id={case_id}", headers=tokens.headers("tara")).json()["items"]
    return {p["version"]: client.get(f"/v1/plans/{p['id']}", headers=tokens.headers("tara")).json() for p in items}


def undated(weeks: list[dict]) -> list[dict]:
    return [{k: v for k, v in w.items() if k not in ("starts_on", "ends_on")} for w in weeks]


def test_an_accepted_counter_is_published_as_the_next_version(client, tokens, deliver, published, workplan_settings):
    story, plan, employer = published
    deliver(employer.requested())
    deliver(employer.decided(counter=COUNTER))
    by_version = versions(client, tokens, story.case_id)
    assert {v: p["status"] for v, p in by_version.items()} == {1: "superseded", 2: "published"}
    agreed = by_version[2]
    assert undated(agreed["schedule"]) == [w.model_dump(exclude={"starts_on", "ends_on"}) for w in AGREED_WEEKS]
    assert agreed["accommodations"] == [a.model_dump() for a in AGREED_ACCOMMODATIONS]
    assert agreed["schedule_start_date"] == COUNTER.schedule_start_date.isoformat()
    assert agreed["schedule"][3]["starts_on"] == (COUNTER.schedule_start_date + timedelta(days=21)).isoformat()
    assert (agreed["agreed_accommodation_id"], agreed["published_by"], agreed["previous_plan_id"]) == (
        str(employer.accommodation_id),
        f"accepted counter-proposal {employer.accommodation_id}",
        plan["id"],
    )
    assert agreed["goals"] == plan["goals"] and agreed["phases"] == plan["phases"]  # only what was agreed changed
    assert sorted(agreed["changes"]) == ["accommodations", "schedule", "schedule_start_date"]
    # Projections recomputed: the agreed schedule ends a week later.
    assert agreed["projections"]["projected_rtw_date"] == (COUNTER.schedule_start_date + timedelta(days=28)).isoformat()
    [_, event] = outbox(workplan_settings, "rtw.plan.published.v1")
    assert (event["version"], event["supersedes_version"], event["agreed_accommodation_id"]) == (
        2,
        1,
        str(employer.accommodation_id),
    )
    assert [w["hours_per_day"] for w in event["schedule"]] == [4.0, 4.0, 6.0, 8.0]
    assert [e["version"] for e in outbox(workplan_settings, "rtw.plan.progress_changed.v1")] == [1, 2]


def test_the_same_agreement_announced_again_publishes_it_once(client, tokens, deliver, published, workplan_settings):
    story, _, employer = published
    deliver(employer.requested())
    deliver(employer.decided(counter=COUNTER))
    deliver(employer.requested())  # re-sent under new event ids
    deliver(employer.decided(counter=COUNTER))
    assert sorted(versions(client, tokens, story.case_id)) == [1, 2]
    assert len(outbox(workplan_settings, "rtw.plan.published.v1")) == 2


@pytest.mark.parametrize(
    ("decision", "accepted", "counter"),
    [("confirmed", False, None), ("countered", False, COUNTER), ("declined", False, None)],
)
def test_other_decisions_change_no_plan(client, tokens, deliver, published, decision, accepted, counter):
    story, _, employer = published
    deliver(employer.requested())
    deliver(employer.decided(counter=counter, accepted=accepted, decision=decision))
    assert sorted(versions(client, tokens, story.case_id)) == [1]


def test_a_decision_on_a_version_already_superseded_changes_nothing(client, tokens, deliver, published):
    story, plan, employer = published
    deliver(employer.requested())
    revision = client.post(f"/v1/plans/{plan['id']}/revisions", headers=tokens.headers("tara")).json()
    publish(client, tokens, revision["id"])
    deliver(employer.decided(counter=COUNTER))  # accepted for version 1, but version 2 stands
    by_version = versions(client, tokens, story.case_id)
    assert {v: p["status"] for v, p in by_version.items()} == {1: "superseded", 2: "published"}
    assert by_version[2]["agreed_accommodation_id"] is None


def test_an_open_draft_moves_up_and_follows_the_agreement_where_unedited(client, tokens, deliver, published):
    story, plan, employer = published
    deliver(employer.requested())
    draft = client.post(f"/v1/plans/{plan['id']}/revisions", headers=tokens.headers("tara")).json()
    draft["goals"][0]["target"] = 25
    edited = client.put(f"/v1/plans/{draft['id']}", json=draft, headers=tokens.headers("tara"))
    assert edited.headers["ETag"] == '"2"'
    deliver(employer.decided(counter=COUNTER))
    by_version = versions(client, tokens, story.case_id)
    assert {v: p["status"] for v, p in by_version.items()} == {1: "superseded", 2: "published", 3: "draft"}
    moved = by_version[3]
    assert moved["id"] == draft["id"] and moved["previous_plan_id"] == by_version[2]["id"]
    assert undated(moved["schedule"]) == undated(by_version[2]["schedule"])  # unedited: follows the agreement
    assert moved["goals"][0]["target"] == 25 and moved["changes"] == ["goals"]  # edited: kept
    etag = client.get(f"/v1/plans/{draft['id']}", headers=tokens.headers("tara")).headers["ETag"]
    assert etag == '"3"'  # one change, one step: a copy read before is stale (412)


def test_warnings_carry_over_or_are_acknowledged_by_the_acceptance(client, tokens, deliver, case_story):
    story = case_story()
    deliver(Envelope(source="intake", data=story.created().data.model_copy(update={"job": Job(**JOB)})))
    [draft] = client.get(f"/v1/plans?case_id={story.case_id}", headers=tokens.headers("tara")).json()["items"]
    body = plan_body(START, TODAY)
    body["phases"][0]["activities"][0]["load_kg"] = 20  # above the 15 kg restriction: tara acknowledges it
    client.put(f"/v1/plans/{draft['id']}", json=body, headers=tokens.headers("tara"))
    plan = publish(client, tokens, draft["id"])
    employer = Employer(story.case_id, plan)
    deliver(employer.requested())
    full_at_once = CounterOffer(
        description="Full duty at once",
        schedule=[AGREED_WEEKS[0].model_copy(update={"hours_per_day": 8, "duties": "full"})],
    )
    deliver(employer.decided(counter=full_at_once))
    agreed = versions(client, tokens, story.case_id)[2]
    by_code = {w["code"].split(":")[0]: w for w in agreed["acknowledged_warnings"]}
    assert (
        by_code["load_above_restriction"]["acknowledged_by_username"],
        by_code["load_above_restriction"]["acknowledged_on_version"],
    ) == ("tara", 1)
    assert by_code["no_graduated_return"]["acknowledged_by"] == f"accepted counter-proposal {employer.accommodation_id}"
    assert by_code["no_graduated_return"]["acknowledged_on_version"] == 2


def test_an_agreement_that_fails_a_hard_check_is_left_as_a_draft(client, tokens, deliver, published, workplan_settings):
    story, _, employer = published
    deliver(employer.requested())
    too_long = CounterOffer(
        description="Ten-hour days", schedule=[AGREED_WEEKS[0].model_copy(update={"hours_per_day": 10})]
    )
    deliver(employer.decided(counter=too_long))  # the job's usual day is 8 hours
    by_version = versions(client, tokens, story.case_id)
    assert {v: p["status"] for v, p in by_version.items()} == {1: "published", 2: "draft"}
    assert by_version[2]["schedule"][0]["hours_per_day"] == 10
    refused = client.post(f"/v1/plans/{by_version[2]['id']}/publish", headers=tokens.headers("tara"))
    assert refused.status_code == 422 and refused.json()["problems"][0]["code"] == "hours_above_job"
    assert len(outbox(workplan_settings, "rtw.plan.published.v1")) == 1
    assert len(outbox(workplan_settings, "rtw.plan.revised.v1")) == 1


def test_a_decision_before_its_case_waits_for_it(session_factory, workplan_settings):
    employer = Employer(uuid.uuid4(), {"id": str(uuid.uuid4()), "version": 1})
    envelope = employer.decided(counter=COUNTER)
    handle = worker.spec(workplan_settings).handlers.handler_for(envelope.type)
    with UnitOfWork(session_factory, source="workplan") as uow, pytest.raises(CaseNotKnownYet):
        handle(uow, [envelope])


def test_the_worker_consumes_the_employers_topic():
    assert "employer.accommodation.v1" in worker.spec().topics
