"""The worker, wired as `rtw-workplan-worker` runs it, consumes intake's case events from Kafka:
a case's events on the topic open its draft, keep its consents and cancel the plan when it ends."""

from __future__ import annotations

import uuid

from sqlalchemy import select, text

from rtw_shared import topics
from rtw_shared.db import make_engine
from rtw_shared.events import encode_record
from rtw_shared.messaging.clients import ensure_topics, make_admin, make_producer
from rtw_shared.testing import Running, wait_for
from rtw_shared.worker import build_loops
from rtw_workplan import worker
from rtw_workplan.cases.models import CaseCopy
from rtw_workplan.plans.models import Plan


def _delete_topic(bootstrap: str, topic: str) -> None:
    admin = make_admin(bootstrap, client_id="rtw-workplan-tests")
    try:
        admin.delete_topics([topic])
    finally:
        admin.close()


def _send(producer, topic: str, envelopes) -> None:
    for envelope in envelopes:
        key, value, headers = encode_record(envelope)
        producer.send(topic, key=key, value=value, headers=headers).get(timeout=30)


def _plan_status(session_factory, case_id) -> str | None:
    with session_factory() as session:
        return session.scalars(select(Plan.status).where(Plan.case_id == case_id)).first()


def test_a_cases_events_on_kafka_open_then_cancel_its_plan(workplan_settings, session_factory, case_story):
    # A topic of this test alone: no other test's consumer group or events share it.
    settings = workplan_settings.model_copy(update={"topic_prefix": f"w{uuid.uuid4().hex[:8]}."})
    topic = settings.topic_prefix + topics.CASE.name
    ensure_topics(settings.kafka_bootstrap, {topic: topics.CASE.partitions})
    engine = make_engine(settings.database_url, pool_size=2)
    [consumer] = build_loops(worker.spec(settings), engine, {"consumer"})
    story = case_story()
    events = [
        story.created(),
        story.shared_with_employer(),
        story.consent("share_status_with_insurer", False),
        story.status("withdrawn"),
    ]
    producer = make_producer(settings.kafka_bootstrap)
    try:
        with Running(consumer):
            _send(producer, topic, events[:1])
            opened = wait_for(lambda: _plan_status(session_factory, story.case_id) == "draft", timeout=30)
            _send(producer, topic, events[1:])
            cancelled = wait_for(lambda: _plan_status(session_factory, story.case_id) == "cancelled", timeout=30)
    finally:
        producer.close()
        engine.dispose()
        _delete_topic(settings.kafka_bootstrap, topic)
    assert opened, "no draft plan 30 s after case.created was sent"
    assert cancelled, "the plan was not cancelled 30 s after the case was withdrawn"
    with session_factory() as session:
        case = session.get(CaseCopy, story.case_id)
        applied = session.execute(text("SELECT event_type FROM inbox WHERE consumer = 'workplan' ORDER BY event_type"))
        assert sorted(applied.scalars()) == sorted(e.type for e in events)
    assert (case.case_version, case.status, case.share_status_with_insurer) == (3, "withdrawn", False)
