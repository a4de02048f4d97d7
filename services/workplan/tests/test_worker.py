"""The worker, wired as `rtw-workplan-worker` runs it, turns a `case.created` on Kafka into a draft."""

from __future__ import annotations

import threading
import time
import uuid

from kafka import KafkaAdminClient
from sqlalchemy import select

from rtw_shared.db import make_engine
from rtw_shared.events import encode_record
from rtw_shared.messaging import topics
from rtw_shared.messaging.clients import ensure_topics, make_producer
from rtw_shared.worker import build_loops
from rtw_workplan import worker
from rtw_workplan.plans.models import Plan


def _wait_for_plan(session_factory, case_id, timeout: float = 30.0) -> Plan | None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        with session_factory() as session:
            plan = session.scalars(select(Plan).where(Plan.case_id == case_id)).first()
        if plan is not None:
            return plan
        time.sleep(0.2)
    return None


def _delete_topic(bootstrap: str, topic: str) -> None:
    admin = KafkaAdminClient(bootstrap_servers=bootstrap, client_id="rtw-workplan-tests")
    try:
        admin.delete_topics([topic])
    finally:
        admin.close()


def test_a_case_created_on_kafka_opens_a_draft_plan(workplan_settings, session_factory, case_created):
    # A topic of this test alone: no other test's consumer group or events share it.
    settings = workplan_settings.model_copy(update={"topic_prefix": f"w{uuid.uuid4().hex[:8]}."})
    topic = settings.topic_prefix + topics.CASE.name
    ensure_topics(settings.kafka_bootstrap, {topic: topics.CASE.partitions})
    engine = make_engine(settings.database_url, pool_size=2)
    [consumer] = build_loops(worker.spec(settings), engine, {"consumer"})
    thread = threading.Thread(target=consumer.run, daemon=True)
    thread.start()
    envelope = case_created()
    key, value, headers = encode_record(envelope)
    producer = make_producer(settings.kafka_bootstrap)
    try:
        producer.send(topic, key=key, value=value, headers=headers).get(timeout=30)
        plan = _wait_for_plan(session_factory, envelope.data.case_id)
    finally:
        producer.close()
        consumer.stop()
        thread.join(timeout=30)
        engine.dispose()
        _delete_topic(settings.kafka_bootstrap, topic)
    assert plan is not None, "no draft plan 30 s after case.created was sent"
    assert (plan.version, plan.status, plan.clinic_org_id) == (1, "draft", "clinic-north")
