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
    yield
    for loop in loops:
        loop.stop()
    for thread in threads:
        thread.join(timeout=30)


@pytest.mark.slow
def test_the_worker_turns_published_plans_into_announced_requests(running_worker, employer_settings, engine,
                                                                  case_events, plan_published):
    created, shared = case_events()
    producer = make_producer(employer_settings.kafka_bootstrap)
    for payload in (created, shared, plan_published(created.case_id)):
        envelope = Envelope(source="test", data=payload)
        key, value, headers = encode_record(envelope)
        producer.send(envelope.topic(employer_settings.topic_prefix), key=key, value=value, headers=headers)
    producer.flush()
    producer.close()

    def announced():
        """the request exists, its case copy is complete, and its event left the outbox"""
        with engine.connect() as conn:
            return conn.execute(text(
                "SELECT r.id FROM accommodation_requests r JOIN case_copies c USING (case_id) "
                "JOIN outbox o ON o.event_type = 'rtw.accommodation.requested.v1' "
                "WHERE c.worker_name IS NOT NULL AND c.reference IS NOT NULL AND o.published_at IS NOT NULL"
            )).scalar()

    assert wait_for(announced)
