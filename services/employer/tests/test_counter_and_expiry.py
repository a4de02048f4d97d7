"""The counter-proposal loop (the case's therapist accepts the employer's counter, or answers with a
revised plan that replaces the request) and expiry at the end of the due date, driven by the
durable timers with a chosen `now` (docs/domain/accommodations.md)."""

from __future__ import annotations

import hashlib
import json
from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy import text

from rtw_employer.accommodations import expiry
from rtw_employer.worker import spec
from rtw_shared.events import CounterOffer
from rtw_shared.timers import TimerLoop, fire_due

COUNTER = {
    "description": "Packing station instead of floor-level picking",
    "accommodations": [{"category": "modified_duties", "description": "Packing station only"}],
    "schedule": [{"week": 1, "hours_per_day": 4.0, "days_per_week": 4, "duties": "modified"}],
}


def as_shown(counter: dict) -> dict:
    """A counter-proposal as the request's view shows it (weeks without dates: the plan has no start)."""
    weeks = [{**week, "starts_on": None, "ends_on": None} for week in counter["schedule"]]
    return {**counter, "schedule": weeks, "schedule_start_date": counter.get("schedule_start_date")}


def countered(client, tokens, request_id: str) -> dict:
    answer = client.post(
        f"/v1/accommodations/{request_id}/decision",
        json={"decision": "countered", "counter": COUNTER},
        headers=tokens.headers("erin"),
    )
    assert answer.status_code == 200, answer.text
    return answer.json()


def accept(client, tokens, request_id: str, user: str = "tara", **headers):
    return client.post(f"/v1/accommodations/{request_id}/counter/accept", headers={**tokens.headers(user), **headers})


def test_the_therapist_lists_countered_requests_and_accepts_one(client, tokens, open_request, outbox):
    request_id, story = open_request()
    employer_answer = countered(client, tokens, request_id)
    listed = client.get("/v1/accommodations?status=countered", headers=tokens.headers("tara")).json()["items"]
    assert [(i["id"], i["counter"]) for i in listed] == [(request_id, as_shown(COUNTER))]
    read = client.get(f"/v1/accommodations/{request_id}", headers=tokens.headers("tara"))
    accepted = accept(client, tokens, request_id, **{"If-Match": read.headers["ETag"]})
    assert accepted.status_code == 200, accepted.text
    body = accepted.json()
    assert (body["status"], body["counter_accepted_by_username"]) == ("confirmed", "tara")
    assert body["counter"] == as_shown(COUNTER)
    assert body["attestation_sha256"] == employer_answer["attestation_sha256"]  # what the employer countered on
    content = {k: read.json()[k] for k in ("restrictions", "schedule", "accommodations", "plan_version")}
    content.update(
        id=request_id,
        case_id=str(story.case_id),
        plan_id=read.json()["plan_id"],
        due_date=read.json()["due_date"],
        agreed=COUNTER,
    )
    canonical = json.dumps(content, sort_keys=True, separators=(",", ":"))
    assert body["agreement_sha256"] == hashlib.sha256(canonical.encode()).hexdigest()
    assert accepted.headers["ETag"] == '"3"'
    event_type, payload = outbox()[-1]
    assert event_type == "rtw.accommodation.decided.v1"
    agreed = CounterOffer.model_validate(COUNTER).model_dump(mode="json")  # the event's shape of the counter
    assert (payload["decision"], payload["counter_accepted"], payload["counter"]) == ("confirmed", True, agreed)
    assert payload["attestation_sha256"] == body["agreement_sha256"]
    erin_sees = client.get(f"/v1/accommodations/{request_id}", headers=tokens.headers("erin")).json()
    assert (erin_sees["status"], erin_sees["agreement_sha256"]) == ("confirmed", body["agreement_sha256"])


@pytest.mark.parametrize(("user", "status"), [("erin", 403), ("ivy", 403), ("ada", 403), ("theo", 404), ("evan", 403)])
def test_only_the_cases_therapist_accepts_a_counter(client, tokens, open_request, user, status):
    request_id, _ = open_request()
    countered(client, tokens, request_id)
    answer = accept(client, tokens, request_id, user)
    assert answer.status_code == status
    assert answer.headers["content-type"] == "application/problem+json"
    assert (
        client.get(f"/v1/accommodations/{request_id}", headers=tokens.headers("tara")).json()["status"] == "countered"
    )


def test_accepting_needs_a_counter_a_current_version_and_a_token(client, tokens, open_request):
    request_id, _ = open_request()
    not_countered = accept(client, tokens, request_id)
    assert not_countered.status_code == 409
    assert "only a countered one has a counter-proposal to accept" in not_countered.json()["detail"]
    countered(client, tokens, request_id)
    assert accept(client, tokens, request_id, **{"If-Match": '"1"'}).status_code == 412
    assert accept(client, tokens, request_id, **{"If-Match": "nonsense"}).status_code == 422
    assert client.post(f"/v1/accommodations/{request_id}/counter/accept").status_code == 401
    assert accept(client, tokens, request_id).status_code == 200
    assert accept(client, tokens, request_id).status_code == 409  # once


def test_accepting_leaves_an_audit_row_naming_the_case(client, tokens, open_request, engine):
    request_id, story = open_request()
    countered(client, tokens, request_id)
    accept(client, tokens, request_id)
    with engine.connect() as conn:
        row = conn.execute(
            text("SELECT action, outcome, case_ids, role FROM audit_log WHERE username = 'tara' ORDER BY id DESC")
        ).first()
    assert tuple(row) == ("accept_counter", "allowed", [str(story.case_id)], "therapist")


def test_a_revised_plan_replaces_the_countered_request_with_a_new_one(
    client, tokens, deliver, case_story, plan_published, engine, outbox
):
    story = case_story()
    first = plan_published(story.case_id)
    deliver(*story.opened(), first)
    [old] = client.get("/v1/accommodations", headers=tokens.headers("erin")).json()["items"]
    countered(client, tokens, old["id"])
    deliver(plan_published(story.case_id, plan_id=first.plan_id, version=2))
    items = client.get("/v1/accommodations", headers=tokens.headers("erin")).json()["items"]
    assert sorted((i["plan_version"], i["status"], i["withdrawn_reason"]) for i in items) == [
        (1, "withdrawn", "plan version 2 replaced it"),
        (2, "requested", None),
    ]
    assert [t for t, _ in outbox()][-2:] == ["rtw.accommodation.withdrawn.v1", "rtw.accommodation.requested.v1"]
    assert accept(client, tokens, old["id"]).status_code == 409
    deliver(plan_published(story.case_id, plan_id=first.plan_id, version=1))  # a late copy of the old version
    assert len(client.get("/v1/accommodations", headers=tokens.headers("erin")).json()["items"]) == 2


def revision(plan_published, case_id, plan_id, *, accommodations_changed: bool, schedule_changed: bool):
    """Version 2 of a plan, saying what changed for the employer (workplan's revision flags)."""
    event = plan_published(case_id, plan_id=plan_id, version=2)
    return event.model_copy(
        update={
            "supersedes_version": 1,
            "accommodations_changed": accommodations_changed,
            "schedule_changed": schedule_changed,
        }
    )


def test_a_version_that_changed_neither_accommodations_nor_schedule_keeps_the_open_request(
    client, tokens, deliver, case_story, plan_published
):
    story = case_story()
    first = plan_published(story.case_id)
    deliver(*story.opened(), first)
    deliver(
        revision(plan_published, story.case_id, first.plan_id, accommodations_changed=False, schedule_changed=False)
    )
    items = client.get("/v1/accommodations", headers=tokens.headers("erin")).json()["items"]
    assert [(i["plan_version"], i["status"]) for i in items] == [(1, "requested")]


def test_a_version_that_changed_only_the_schedule_asks_the_employer_again(
    client, tokens, deliver, case_story, plan_published
):
    story = case_story()
    first = plan_published(story.case_id)
    deliver(*story.opened(), first)
    hours = revision(plan_published, story.case_id, first.plan_id, accommodations_changed=False, schedule_changed=True)
    deliver(hours)
    items = client.get("/v1/accommodations", headers=tokens.headers("erin")).json()["items"]
    assert sorted((i["plan_version"], i["status"]) for i in items) == [(1, "withdrawn"), (2, "requested")]


@pytest.fixture
def fire(loops):
    """Fire employer's due timers at `now`, as the worker's TimerLoop would; returns how many fired."""

    def run(now: datetime) -> int:
        loops.clock.now = max(loops.clock.now, now)  # time only moves forward
        return fire_due(loops.unit_of_work, expiry.TIMER_HANDLERS, now)

    return run


def due_date_of(client, tokens, request_id: str) -> date:
    return date.fromisoformat(
        client.get(f"/v1/accommodations/{request_id}", headers=tokens.headers("erin")).json()["due_date"]
    )


def test_an_unanswered_request_expires_at_the_end_of_its_due_date(client, tokens, open_request, fire, outbox):
    request_id, story = open_request()
    due = due_date_of(client, tokens, request_id)
    end_of_due_date = datetime.combine(due + timedelta(days=1), datetime.min.time(), tzinfo=UTC)
    assert fire(end_of_due_date - timedelta(seconds=1)) == 0
    read = client.get(f"/v1/accommodations/{request_id}", headers=tokens.headers("erin"))
    assert fire(end_of_due_date) == 1
    shown = client.get(f"/v1/accommodations/{request_id}", headers=tokens.headers("erin"))
    assert (shown.json()["status"], shown.headers["ETag"]) == ("expired", '"2"')
    event_type, payload = outbox()[-1]
    assert event_type == "rtw.accommodation.expired.v1"
    assert payload == {
        "case_id": str(story.case_id),
        "accommodation_id": request_id,
        "employer_org_id": "acme",
        "due_date": due.isoformat(),
        "expired_at": end_of_due_date.isoformat().replace("+00:00", "Z"),
    }
    late = client.post(
        f"/v1/accommodations/{request_id}/decision",
        json={"decision": "confirmed"},
        headers={**tokens.headers("erin"), "If-Match": read.headers["ETag"]},
    )
    assert late.status_code == 412
    latest = client.post(
        f"/v1/accommodations/{request_id}/decision", json={"decision": "confirmed"}, headers=tokens.headers("erin")
    )
    assert latest.status_code == 409 and "already expired" in latest.json()["detail"]
    assert fire(end_of_due_date + timedelta(days=30)) == 0  # fired once


@pytest.mark.parametrize("answer", ["decided", "withdrawn", "replaced"])
def test_an_answered_or_ended_request_never_expires(
    client, tokens, open_request, deliver, plan_published, engine, fire, outbox, answer, clock
):
    request_id, story = open_request()
    if answer == "decided":
        countered(client, tokens, request_id)
    elif answer == "withdrawn":
        deliver(story.moved("withdrawn"))
    else:
        with engine.connect() as conn:
            plan_id = conn.execute(text("SELECT plan_id FROM accommodation_requests")).scalar_one()
        deliver(plan_published(story.case_id, plan_id=plan_id, version=2, accommodations=[]))
    before = outbox()
    assert fire(clock() + timedelta(days=60)) == 0
    assert outbox() == before
    with engine.connect() as conn:
        cancelled = conn.execute(
            text("SELECT cancelled_at IS NOT NULL FROM timers WHERE key = :k"),
            {"k": f"accommodation-expiry:{request_id}"},
        ).scalar_one()
    assert cancelled


def test_the_worker_runs_the_expiry_timers(employer_settings, loops):
    [make_loop] = spec(employer_settings).extra_loops
    assert isinstance(make_loop(loops), TimerLoop)
