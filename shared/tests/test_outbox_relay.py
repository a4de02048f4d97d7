"""The outbox relay on real PostgreSQL and Kafka."""

from __future__ import annotations

import uuid
from collections import defaultdict

from sqlalchemy import text

from rtw_shared.events import CaseStatusChangedV1, decode_record
from rtw_shared.messaging.clients import make_consumer, make_producer
from rtw_shared.messaging.relay import OutboxRelay
from rtw_shared.testing import Running, wait_for


def scalar(engine, sql: str):
    with engine.connect() as conn:
        return conn.execute(text(sql)).scalar()


def emit_events(uow_factory, case_ids, per_case: int) -> None:
    for n in range(per_case):
        with uow_factory() as uow:
            for case_id in case_ids:
                uow.emit(CaseStatusChangedV1(case_id=case_id, from_status=str(n), to_status=str(n + 1)))
            uow.commit()


def consume_all(bootstrap: str, topic: str, expected: int) -> list:
    consumer = make_consumer(bootstrap, topic, group_id=f"check-{uuid.uuid4().hex}")
    records = []
    try:
        wait_for(
            lambda: (
                records.extend(r for b in consumer.poll(timeout_ms=500).values() for r in b) or len(records) >= expected
            ),
            timeout=60,
        )
        records += [r for b in consumer.poll(timeout_ms=1000).values() for r in b]  # anything extra?
    finally:
        consumer.close()
    return records


def test_two_relays_at_once_publish_each_row_once_and_keep_each_case_in_order(rtw_infra, engine, uow_factory, prefix):
    case_ids = [uuid.uuid4() for _ in range(8)]
    emit_events(uow_factory, case_ids, per_case=25)
    assert scalar(engine, "SELECT count(*) FROM outbox WHERE published_at IS NULL") == 200
    relays = [
        OutboxRelay(engine, make_producer(rtw_infra.kafka_bootstrap), batch_size=20, poll_seconds=0.2) for _ in range(2)
    ]
    with Running(relays[0]), Running(relays[1]):
        assert wait_for(lambda: scalar(engine, "SELECT count(*) FROM outbox WHERE published_at IS NULL") == 0)
    records = consume_all(rtw_infra.kafka_bootstrap, prefix + "intake.case.v1", expected=200)
    ids = [decode_record(r.headers, r.value).id for r in records]
    assert len(ids) == 200 and len(set(ids)) == 200
    steps = defaultdict(list)
    for r in sorted(records, key=lambda r: (r.partition, r.offset)):
        event = decode_record(r.headers, r.value).data
        steps[event.case_id].append(int(event.from_status))
    assert all(seen == list(range(25)) for seen in steps.values())


def test_the_relay_is_woken_by_notify_not_the_poll(rtw_infra, engine, uow_factory, prefix):
    relay = OutboxRelay(engine, make_producer(rtw_infra.kafka_bootstrap), poll_seconds=30)
    with Running(relay):
        wait_for(lambda: False, timeout=0.5)  # let it reach its LISTEN wait
        emit_events(uow_factory, [uuid.uuid4()], per_case=1)
        assert wait_for(
            lambda: scalar(engine, "SELECT count(*) FROM outbox WHERE published_at IS NOT NULL") == 1, timeout=5
        )


def test_the_relay_survives_losing_its_database_connections(rtw_infra, engine, uow_factory, prefix):
    """What a PostgreSQL restart does to it: every connection of the relay is cut server-side."""
    relay = OutboxRelay(engine, make_producer(rtw_infra.kafka_bootstrap), poll_seconds=0.5)
    cut = text(
        "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity "
        "WHERE datname = current_database() AND pid <> pg_backend_pid()"
    )
    with Running(relay) as running:
        wait_for(lambda: False, timeout=0.5)  # it is listening
        with engine.connect() as conn:
            assert conn.execute(cut).scalar() >= 1
        engine.dispose()  # the pool's connections were cut too
        emit_events(uow_factory, [uuid.uuid4()], per_case=1)
        assert wait_for(
            lambda: scalar(engine, "SELECT count(*) FROM outbox WHERE published_at IS NOT NULL") == 1, timeout=15
        )
        assert not running.stopping.is_set()


def test_a_row_that_keeps_failing_is_marked_dead(rtw_infra, engine, uow_factory):
    with uow_factory() as uow:  # its topic does not exist, and topics are never auto-created
        uow.topic_prefix = f"missing{uuid.uuid4().hex[:6]}."
        uow.emit(CaseStatusChangedV1(case_id=uuid.uuid4(), from_status="a", to_status="b"))
        uow.commit()
    producer = make_producer(rtw_infra.kafka_bootstrap, max_block_ms=500)
    relay = OutboxRelay(engine, producer, max_attempts=2, send_timeout=2)
    relay.publish_batch()
    relay.publish_batch()
    with engine.connect() as conn:
        row = conn.execute(text("SELECT attempts, dead, published_at FROM outbox")).one()
    assert tuple(row) == (2, True, None)
    assert relay.publish_batch() == 0
