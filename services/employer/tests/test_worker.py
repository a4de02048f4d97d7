"""The worker end to end on real Kafka: events on the topics in, a request and its announcement out."""

from __future__ import annotations

import dataclasses
import threading
import time
import uuid

import pytest
from sqlalchemy import text

from rtw_employer.worker import spec
from rtw_shared.events import Envelope, encode_record
from rtw_shared.messaging.clients import make_producer
from rtw_shared.worker import build_loops


def wait_for(condition, timeout: float = 30.0):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if value := condition():
            return value
        time.sleep(0.2)
    raise AssertionError(f"not true within {timeout} s: {condition.__doc__}")


@pytest.fixture
def running_worker(employer_settings, engine):
    """The worker's relay and consumer on threads, in a consumer group of this test's own."""
    worker = dataclasses.replace(spec(employer_settings), consumer_name=f"employer-{uuid.uuid4().hex[:8]}")
    loops = build_loops(worker, engine, {"relay", "consumer"})
    threads = [threading.Thread(target=loop.run, daemon=True) for loop in loops]
    for thread in threads:
        thread.start()
    yield worker
    for loop in loops:
        loop.stop()
    for thread in threads:
        thread.join(timeout=30)


def publish(settings, *payloads) -> None:
    """Send events to this session's private topics, in this order, as their services would."""
    producer = make_producer(settings.kafka_bootstrap)
    for payload in payloads:
        envelope = Envelope(source=type(payload).TOPIC.owner, data=payload)  # workers trust only a topic's owner
        key, value, headers = encode_record(envelope)
        producer.send(envelope.topic(settings.topic_prefix), key=key, value=value, headers=headers).get(timeout=30)
    producer.flush()
    producer.close()


@pytest.mark.slow
def test_the_worker_turns_published_plans_into_announced_requests(
    running_worker, employer_settings, engine, case_story, plan_published
):
    story = case_story()
    publish(employer_settings, *story.opened(), plan_published(story.case_id))

    def announced():
        """the request exists, its case copy is complete, and its event left the outbox"""
        with engine.connect() as conn:
            return conn.execute(
                text(
                    "SELECT r.id FROM accommodation_requests r JOIN case_copies c USING (case_id) "
                    "JOIN outbox o ON o.event_type = 'rtw.accommodation.requested.v1' "
                    "WHERE c.worker_name IS NOT NULL AND c.reference IS NOT NULL AND o.published_at IS NOT NULL "
                    "AND r.case_id = :c"
                ),
                {"c": story.case_id},
            ).scalar()

    assert wait_for(announced)


@pytest.mark.slow
def test_a_plan_that_overtakes_its_case_is_applied_and_the_case_that_ends_later_withdraws_it(
    running_worker, employer_settings, engine, case_story, plan_published
):
    from rtw_shared.messaging.consumer import DEAD_LETTERED, PARKED

    name = running_worker.consumer_name
    dead_before, parked_before = DEAD_LETTERED.labels(name)._value.get(), PARKED.labels(name)._value.get()
    story = case_story()
    publish(employer_settings, plan_published(story.case_id))  # workplan's topic first

    def requested():
        """the request exists before employer heard of its case"""
        with engine.connect() as conn:
            return (
                conn.execute(
                    text("SELECT count(*) FROM accommodation_requests WHERE case_id = :c"), {"c": story.case_id}
                ).scalar()
                == 1
            )

    assert wait_for(requested)
    publish(
        employer_settings,
        *story.opened(),
        *story.consent("share_restrictions_with_employer", False),
        story.moved("withdrawn"),
    )

    def settled():
        """the copy is at version 3 without the worker's name, and the request is withdrawn"""
        with engine.connect() as conn:
            return conn.execute(
                text(
                    "SELECT c.case_version = 3 AND c.worker_name IS NULL AND r.status = 'withdrawn' "
                    "FROM case_copies c JOIN accommodation_requests r USING (case_id) WHERE c.case_id = :c"
                ),
                {"c": story.case_id},
            ).scalar()

    assert wait_for(settled)
    assert DEAD_LETTERED.labels(name)._value.get() == dead_before
    assert PARKED.labels(name)._value.get() == parked_before
