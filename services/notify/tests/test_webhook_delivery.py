"""Webhook delivery against a real HTTP receiver on loopback: rows written by the consumer's
handlers, sent by the sender loop with a clock the test moves; every attempt signed (verified
with the `standardwebhooks` library) and logged; retries on the schedule, disabling after it is
used up (and telling the organisation), replays with the same `webhook-id`, and payloads cut to
what the organisation may see — a withdrawn consent stops delivery. Real database and tokens."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import text
from standardwebhooks import Webhook

from rtw_notify.emails.sender import EmailSender
from rtw_notify.webhooks.sender import WebhookSender
from rtw_shared.worker import LoopContext


@pytest.fixture
def sender(engine, notify_settings, clock):
    """The webhook sender with retries 1 s then 2 s apart (three attempts in all), on the test's clock —
    the same clock the consumer's handlers stamp the deliveries with."""
    settings = notify_settings.model_copy(update={"webhook_retry_seconds": (1.0, 2.0), "webhook_timeout_seconds": 5.0})
    return WebhookSender(LoopContext(engine, settings, clock))


@pytest.fixture
def subscribe(client, tokens, receiver):
    def make(user: str, *events: str) -> dict:
        response = client.post(
            "/v1/webhooks", json={"url": receiver.url, "events": list(events)}, headers=tokens.headers(user)
        )
        assert response.status_code == 201, response.text
        return response.json()

    return make


def deliveries(client, tokens, webhook: dict, user: str = "ivy") -> list[dict]:
    response = client.get(f"/v1/webhooks/{webhook['id']}/deliveries", headers=tokens.headers(user))
    assert response.status_code == 200, response.text
    return response.json()["items"]


def verified(webhook: dict, request: dict) -> dict:
    """The CloudEvent of a received request, after the library verified its signature."""
    return Webhook(webhook["secret"]).verify(request["body"], request["headers"])


def test_an_administrators_subscription_receives_nothing_until_the_organisation_confirms_it(
    apply, events, subject_of, client, tokens, receiver
):
    """ada subscribing as northwind must not receive northwind's case data: it is a proposal until ivy
    confirms it, and nothing is queued for it before (the rows are what the sender sends)."""
    body = {
        "url": receiver.url,
        "events": ["rtw.case.created.v1", "rtw.accommodation.requested.v1"],
        "org_id": "northwind",
        "org_role": "insurer",
    }
    proposal = client.post("/v1/webhooks", json=body, headers=tokens.headers("ada")).json()
    case = events.case_created(therapist_id=subject_of("tara"))
    apply(case)
    assert deliveries(client, tokens, proposal, user="ivy") == []
    confirmed = client.post(
        f"/v1/webhooks/{proposal['id']}/confirm", headers={**tokens.headers("ivy"), "If-Match": '"1"'}
    )
    assert confirmed.status_code == 200, confirmed.text
    requested = apply(events.requested(case))
    queued = deliveries(client, tokens, proposal, user="ivy")
    assert [(d["webhook_message_id"], d["status"]) for d in queued] == [(str(requested.id), "pending")]


def test_subscribed_events_arrive_once_signed_as_cloud_events(
    apply, events, subject_of, sender, subscribe, receiver, client, tokens
):
    webhook = subscribe("ivy", "rtw.case.created.v1", "rtw.accommodation.decided.v1")
    case = events.case_created(therapist_id=subject_of("tara"))
    apply(case)
    apply(events.requested(case))  # not subscribed
    decided = apply(events.decided(case, "countered", counter=events.counter))
    assert sender.send_due_once() == 2
    assert sender.send_due_once() == 0
    created, decision = (verified(webhook, r) for r in receiver.requests)
    assert [r["headers"]["webhook-id"] for r in receiver.requests] == [created["id"], str(decided.id)]
    assert (created["type"], created["subject"], created["specversion"]) == (
        "rtw.case.created.v1",
        str(case.case_id),
        "1.0",
    )
    # No therapist, no clinic, no snapshot: the case's reference and status, whose employee it is, and the
    # insurer's own claim number.
    assert created["data"] == {
        "case_id": str(case.case_id),
        "reference": case.reference,
        "claim_number": case.case.claim_number,
        "status": "referred",
        "employer_org_id": "acme",
    }
    # The insurer sees a request's status only: no counter offer, no attestation, no decider.
    assert decision["data"] == {
        "case_id": str(case.case_id),
        "reference": case.reference,
        "claim_number": case.case.claim_number,
        "accommodation_id": str(decided.data.accommodation_id),
        "employer_org_id": "acme",
        "decision": "countered",
        "decided_at": decision["data"]["decided_at"],
        "counter_accepted": False,
    }
    assert decision["time"] == decided.time.isoformat() and decision["source"] == "test"
    rows = deliveries(client, tokens, webhook)
    assert [(d["status"], d["attempts"], d["last_status_code"]) for d in rows] == [("succeeded", 1, 200)] * 2


def test_the_employer_gets_what_it_is_asked_and_not_progress_or_cost(
    apply, events, subject_of, sender, subscribe, receiver
):
    webhook = subscribe("erin", "rtw.plan.published.v1")
    case = events.case_created(therapist_id=subject_of("tara"))
    apply(case)
    apply(events.plan_published(case))
    sender.send_due_once()
    [request] = receiver.requests
    data = verified(webhook, request)["data"]
    assert data["accommodations"] and data["restrictions"] and data["schedule"]
    assert not {"projected_cost", "projected_rtw_date", "next_review_date"} & set(data)


def test_two_failures_then_success_are_retried_on_the_schedule_and_logged(
    apply, events, subject_of, sender, subscribe, receiver, client, tokens, clock
):
    webhook = subscribe("ivy", "rtw.case.created.v1")
    receiver.answers = [500, 500]
    apply(events.case_created(therapist_id=subject_of("tara")))
    assert sender.send_due_once() == 1
    assert sender.send_due_once() == 0  # not due before its backoff
    clock.move(seconds=1.3)
    assert sender.send_due_once() == 1
    clock.move(seconds=2.5)
    assert sender.send_due_once() == 1
    assert len({r["headers"]["webhook-id"] for r in receiver.requests}) == 1 and len(receiver.requests) == 3
    for request in receiver.requests:
        verified(webhook, request)
    [delivery] = deliveries(client, tokens, webhook)
    assert (delivery["status"], delivery["attempts"], delivery["last_status_code"]) == ("succeeded", 3, 200)
    assert [a["status_code"] for a in delivery["attempt_log"]] == [500, 500, 200]
    assert delivery["attempt_log"][0]["error"] == "the receiver answered 500"
    assert all(a["latency_ms"] >= 0 for a in delivery["attempt_log"])


def test_after_repeated_failure_the_subscription_is_disabled_and_the_org_told(
    apply,
    events,
    subject_of,
    sender,
    subscribe,
    receiver,
    client,
    tokens,
    clock,
    inbox,
    contact,
    engine,
    loops,
):
    contact("ivy", "integrations@northwind.example")
    webhook = subscribe("ivy", "rtw.case.created.v1")
    receiver.answers = [503, 503, 503]
    apply(events.case_created(therapist_id=subject_of("tara")))
    for _ in range(3):
        sender.send_due_once()
        clock.move(seconds=3)
    [delivery] = deliveries(client, tokens, webhook)
    assert (delivery["status"], delivery["attempts"]) == ("failed", 3)
    state = client.get(f"/v1/webhooks/{webhook['id']}", headers=tokens.headers("ivy")).json()
    assert state["status"] == "disabled" and "failed 3 times" in state["disabled_reason"]
    [told] = inbox("ivy")
    assert (told["kind"], told["case_id"]) == ("webhook_disabled", None)
    assert inbox("ian") == [] and inbox("erin") == []
    with engine.connect() as conn:
        [email] = conn.execute(text("SELECT recipient, subject, html_body FROM emails WHERE kind = 'webhook_disabled'"))
    assert email.recipient == "integrations@northwind.example" and receiver.url in email.subject
    assert EmailSender(loops).send_pending_once() == 1  # an email about no case is sent too
    # Disabled: a new event waits for nobody; enabled again, what waited is sent.
    apply(events.case_created(therapist_id=subject_of("tara")))
    assert sender.send_due_once() == 0
    path = f"/v1/webhooks/{webhook['id']}/enable"
    assert client.post(path, headers=tokens.headers("ivy")).json()["status"] == "active"
    assert client.post(f"/v1/notifications/{told['id']}/read", headers=tokens.headers("ivy")).status_code == 200


def test_a_replay_delivers_again_with_the_same_webhook_id(
    apply, events, subject_of, sender, subscribe, receiver, client, tokens
):
    webhook = subscribe("ivy", "rtw.case.created.v1")
    apply(events.case_created(therapist_id=subject_of("tara")))
    sender.send_due_once()
    [delivery] = deliveries(client, tokens, webhook)
    replay = client.post(
        f"/v1/webhooks/{webhook['id']}/deliveries/{delivery['id']}/replay", headers=tokens.headers("ivy")
    )
    assert replay.status_code == 202 and replay.json()["status"] == "pending"
    sender.send_due_once()
    since = (datetime.now(UTC) - timedelta(hours=1)).isoformat()
    until = (datetime.now(UTC) + timedelta(hours=1)).isoformat()
    ranged = client.post(
        f"/v1/webhooks/{webhook['id']}/replay", json={"since": since, "until": until}, headers=tokens.headers("ivy")
    )
    assert ranged.status_code == 202 and ranged.json() == {"replayed": 1}
    sender.send_due_once()
    assert [r["headers"]["webhook-id"] for r in receiver.requests] == [delivery["webhook_message_id"]] * 3
    backwards = client.post(
        f"/v1/webhooks/{webhook['id']}/replay", json={"since": until, "until": since}, headers=tokens.headers("ivy")
    )
    assert backwards.status_code == 422
    other = client.post(
        f"/v1/webhooks/{webhook['id']}/deliveries/{delivery['id']}/replay", headers=tokens.headers("ian")
    )
    assert other.status_code == 404


def test_a_withdrawn_consent_stops_what_was_not_sent_yet(
    apply, events, subject_of, sender, subscribe, receiver, client, tokens
):
    webhook = subscribe("ivy", "rtw.case.created.v1", "rtw.case.consent_changed.v1", "rtw.accommodation.decided.v1")
    case = events.case_created(therapist_id=subject_of("tara"))
    apply(case)
    apply(events.consent_changed(case, "share_status_with_insurer", False, version=2))
    apply(events.decided(case))
    sender.send_due_once()
    assert receiver.requests == []
    [delivery] = deliveries(client, tokens, webhook)
    assert (delivery["event_type"], delivery["status"], delivery["case_id"]) == (
        "rtw.case.created.v1",
        "withheld",
        None,
    )


def test_a_rotated_secret_and_the_previous_one_both_verify_during_the_overlap(
    apply, events, subject_of, sender, subscribe, receiver, client, tokens
):
    webhook = subscribe("ivy", "rtw.case.created.v1")
    rotated = client.post(f"/v1/webhooks/{webhook['id']}/rotate-secret", headers=tokens.headers("ivy")).json()
    apply(events.case_created(therapist_id=subject_of("tara")))
    sender.send_due_once()
    [request] = receiver.requests
    assert len(request["headers"]["webhook-signature"].split(" ")) == 2
    assert verified(webhook, request) == verified(rotated, request)


def test_a_destination_that_became_unsafe_is_refused_at_delivery_time(
    apply, events, subject_of, engine, notify_settings, clock, subscribe, receiver, client, tokens
):
    webhook = subscribe("ivy", "rtw.case.created.v1")
    strict = notify_settings.model_copy(update={"webhook_allow_loopback": False, "webhook_retry_seconds": (60.0,)})
    apply(events.case_created(therapist_id=subject_of("tara")))
    WebhookSender(LoopContext(engine, strict, clock)).send_due_once()
    assert receiver.requests == []
    [delivery] = deliveries(client, tokens, webhook)
    assert (delivery["status"], delivery["last_status_code"]) == ("pending", None)
    assert "refused: url: 127.0.0.1 resolves to 127.0.0.1, a loopback address" in delivery["last_error"]
    assert json.dumps(delivery)  # the log is plain JSON for people


def test_a_run_of_case_events_applied_together_is_fanned_out_event_by_event(
    loops, events, subject_of, sender, subscribe, receiver
):
    from rtw_notify.worker import handlers
    from rtw_shared.events import Envelope

    subscribe("ivy", "rtw.case.created.v1")
    cases = [events.case_created(therapist_id=subject_of("tara")) for _ in range(3)]
    run = [Envelope(source="test", data=case) for case in cases]
    notify_handlers = handlers()
    handle_run = notify_handlers.handler_for(run[0].type)
    assert handle_run is notify_handlers.handler_for(run[0].type)  # one object: the consumer groups runs by it
    with loops.unit_of_work() as uow:
        handle_run(uow, run)  # the copies first, then each event's deliveries, in one transaction
        uow.commit()
    assert sender.send_due_once() == 3
    assert sorted(json.loads(r["body"])["subject"] for r in receiver.requests) == sorted(str(c.case_id) for c in cases)
