"""Event order across topics, on real Kafka with the real consumer: Kafka keeps one case's events in
order per topic only, so every interleaving of intake's, employer's and workplan's events of one
case is delivered — each case its own interleaving, all cases at once, one step per round — and
each must end with exactly the same notifications, nothing dead-lettered and nothing left parked."""

from __future__ import annotations

import dataclasses
import threading
import time
import uuid
from collections import Counter

import pytest
from prometheus_client import REGISTRY
from sqlalchemy import text

from rtw_notify.worker import spec
from rtw_shared.events import Envelope, encode_record
from rtw_shared.messaging.clients import ensure_topics, make_admin, make_producer
from rtw_shared.topics import topic_partitions
from rtw_shared.worker import build_loops

# Per topic, one case's events in the order their producer publishes them.
WITHDRAWN_AFTER_DECISION = {
    "intake": ("created", "withdrawn"),
    "employer": ("requested", "decided"),
    "workplan": ("plan_cancelled",),
}
CLOSED_WITH_OPEN_REQUEST = {
    "intake": ("created", "closed"),
    "employer": ("requested", "accommodation_withdrawn"),
    "workplan": ("plan_cancelled",),
}
EMPLOYER, INSURER = ("org", "acme", "employer"), ("org", "northwind", "insurer")
THERAPIST = ("therapist",)
EXPECTED = {  # (kind, recipient) → how many, whatever the order
    "withdrawn": Counter(
        {
            ("accommodation_requested", EMPLOYER): 1,
            ("accommodation_decided", THERAPIST): 1,
            ("plan_cancelled", THERAPIST): 1,
            ("case_withdrawn", EMPLOYER): 1,
            ("case_withdrawn", INSURER): 1,
        }
    ),
    "closed": Counter(
        {
            ("accommodation_requested", EMPLOYER): 1,
            ("accommodation_withdrawn", EMPLOYER): 1,
            ("plan_cancelled", THERAPIST): 1,
            ("case_closed", EMPLOYER): 1,
            ("case_closed", INSURER): 1,
        }
    ),
}


def interleavings(*sequences: tuple[str, ...]) -> list[tuple[str, ...]]:
    """Every merge of `sequences` that keeps each one's own order."""
    sequences = tuple(s for s in sequences if s)
    if not sequences:
        return [()]
    merged = []
    for i, sequence in enumerate(sequences):
        rest = (*sequences[:i], sequence[1:], *sequences[i + 1 :])
        merged += [(sequence[0], *tail) for tail in interleavings(*rest)]
    return merged


def test_interleavings_are_every_order_that_keeps_each_topics_own():
    orders = interleavings(("a", "b"), ("x",))
    assert sorted(orders) == [("a", "b", "x"), ("a", "x", "b"), ("x", "a", "b")]
    assert len(interleavings(*WITHDRAWN_AFTER_DECISION.values())) == 30  # 5! / (2! 2! 1!)


def wait_for(condition, what: str, timeout: float = 60.0):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if value := condition():
            return value
        time.sleep(0.1)
    raise AssertionError(f"not within {timeout} s: {what}")


def metric(name: str, consumer: str) -> float:
    return REGISTRY.get_sample_value(name, {"consumer": consumer}) or 0.0


@pytest.fixture
def private_settings(notify_settings):
    """The settings on topics of this test alone (dead-letter twins included), deleted afterwards."""
    settings = notify_settings.model_copy(update={"topic_prefix": f"n{uuid.uuid4().hex[:8]}."})
    names = ensure_topics(
        settings.kafka_bootstrap, {settings.topic_prefix + name: n for name, n in topic_partitions().items()}
    )
    yield settings
    admin = make_admin(settings.kafka_bootstrap, client_id="rtw-notify-tests")
    try:
        admin.delete_topics(names)
    finally:
        admin.close()


@pytest.fixture
def consumer_name(private_settings, engine):
    """Notify's consumer as its worker builds it, running on a thread, in a group of its own."""
    worker = dataclasses.replace(spec(private_settings), consumer_name=f"notify-{uuid.uuid4().hex[:8]}")
    [consumer] = build_loops(worker, engine, {"consumer"})
    thread = threading.Thread(target=consumer.run, daemon=True)
    thread.start()
    yield worker.consumer_name
    consumer.stop()
    thread.join(timeout=30)


def scenario(events, therapist_id: str, order: tuple[str, ...]) -> tuple:
    """One case and its events (as envelopes) in `order`."""
    case = events.case_created(therapist_id=therapist_id)
    build = {
        "created": lambda: case,
        "requested": lambda: events.requested(case),
        "decided": lambda: events.decided(case),
        "plan_cancelled": lambda: events.plan_cancelled(case),
        "accommodation_withdrawn": lambda: events.accommodation_withdrawn(case),
        "withdrawn": lambda: events.status_changed(case, "withdrawn"),
        "closed": lambda: events.status_changed(case, "closed"),
    }
    # Each event as its owning service publishes it (workers dead-letter an event from anyone else).
    return case, [Envelope(source=payload.TOPIC.owner, data=payload) for payload in (build[name]() for name in order)]


def deliver_in_rounds(settings, engine, consumer: str, scenarios: list) -> None:
    """Round k sends every case's k-th event and waits until the consumer has taken all of them."""
    producer = make_producer(settings.kafka_bootstrap)
    try:
        for step in range(max(len(envelopes) for _, _, envelopes in scenarios)):
            sent = [envelopes[step] for _, _, envelopes in scenarios if step < len(envelopes)]
            for envelope in sent:
                key, value, headers = encode_record(envelope)
                producer.send(envelope.topic(settings.topic_prefix), key=key, value=value, headers=headers)
            producer.flush()
            ids = [e.id for e in sent]
            wait_for(
                lambda ids=ids: taken(engine, consumer, ids) == len(ids) or dead_lettered(consumer),
                f"round {step} taken",
            )
            assert not dead_lettered(consumer), f"round {step}: an event was dead-lettered"
    finally:
        producer.close()


def dead_lettered(consumer: str) -> float:
    return metric("rtw_events_dead_lettered_total", consumer)


def taken(engine, consumer: str, event_ids: list) -> int:
    with engine.connect() as conn:
        return conn.execute(
            text("SELECT count(*) FROM inbox WHERE consumer = :c AND event_id = ANY(:ids)"),
            {"c": consumer, "ids": event_ids},
        ).scalar()


def notifications_by_case(engine) -> dict[str, list[dict]]:
    with engine.connect() as conn:
        rows = conn.execute(text("SELECT * FROM notifications ORDER BY created_at")).mappings().all()
    found: dict[str, list[dict]] = {}
    for row in rows:
        found.setdefault(str(row["case_id"]), []).append(dict(row))
    return found


def recipient(row: dict, therapist_id: str) -> tuple:
    if row["recipient_user_id"] is not None:
        assert row["recipient_user_id"] == therapist_id
        return THERAPIST
    return ("org", row["recipient_org_id"], row["recipient_role"])


@pytest.mark.slow
def test_every_cross_topic_order_gives_each_notification_exactly_once(
    consumer_name, private_settings, engine, events, subject_of
):
    therapist_id = subject_of("tara")
    scenarios = []
    for ending, topics in (("withdrawn", WITHDRAWN_AFTER_DECISION), ("closed", CLOSED_WITH_OPEN_REQUEST)):
        for order in interleavings(*topics.values()):
            scenarios.append((ending, *scenario(events, therapist_id, order)))
    # Events that arrive before any intake event of their case must wait for it.
    must_park = sum(
        next(i for i, e in enumerate(envs) if e.data.TYPE.startswith("rtw.case.")) for _, _, envs in scenarios
    )
    parked_before = metric("rtw_events_parked_total", consumer_name)

    deliver_in_rounds(private_settings, engine, consumer_name, scenarios)

    found = notifications_by_case(engine)
    for ending, case, envelopes in scenarios:
        rows = found.get(str(case.case_id), [])
        order = [e.type.split(".")[-2] for e in envelopes]
        assert Counter((r["kind"], recipient(r, therapist_id)) for r in rows) == EXPECTED[ending], order
        assert all(case.reference in r["title"] for r in rows), order  # applied with the copy, never without
    assert len(found) == len(scenarios)
    with engine.connect() as conn:
        assert conn.execute(text("SELECT count(*) FROM parked_events")).scalar() == 0
        emails = conn.execute(text("SELECT case_id, count(*) FROM emails GROUP BY case_id")).all()
    assert sorted(str(c) for c, n in emails if n == 1) == sorted(
        str(case.case_id) for ending, case, _ in scenarios if ending == "withdrawn"
    )
    assert len(emails) == 30
    assert metric("rtw_events_parked_total", consumer_name) - parked_before == must_park > 0
    assert dead_lettered(consumer_name) == 0
