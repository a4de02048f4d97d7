"""Kafka round trips through the project's own helper, on the real broker."""

from __future__ import annotations

import uuid

from rtw_shared.messaging.clients import ensure_topics, make_admin, make_consumer, make_producer
from rtw_shared.topics import topic_partitions


def test_produce_then_consume_round_trip(rtw_infra, fresh_topic):
    topic = fresh_topic(partitions=3)
    key, payload = uuid.uuid4().hex.encode(), b'{"hello": "kafka"}'
    producer = make_producer(rtw_infra.kafka_bootstrap)
    metadata = producer.send(topic, key=key, value=payload, headers=[("ce_id", b"1")]).get(timeout=30)
    producer.close()
    consumer = make_consumer(rtw_infra.kafka_bootstrap, topic, group_id=f"test-{uuid.uuid4().hex}")
    try:
        batches = {}
        for _ in range(30):
            batches = consumer.poll(timeout_ms=1000)
            if batches:
                break
        records = [r for batch in batches.values() for r in batch]
        assert [(r.key, r.value, r.partition) for r in records] == [(key, payload, metadata.partition)]
        assert records[0].headers == [("ce_id", b"1")]
        consumer.commit()
    finally:
        consumer.close()


def test_records_with_one_key_keep_their_order(rtw_infra, fresh_topic):
    topic = fresh_topic(partitions=3)
    producer = make_producer(rtw_infra.kafka_bootstrap)
    for n in range(20):
        producer.send(topic, key=b"case-1", value=str(n).encode())
    producer.flush(timeout=30)
    producer.close()
    consumer = make_consumer(rtw_infra.kafka_bootstrap, topic, group_id=f"test-{uuid.uuid4().hex}")
    values: list[int] = []
    try:
        for _ in range(30):
            for batch in consumer.poll(timeout_ms=1000).values():
                values += [int(r.value) for r in batch]
            if len(values) >= 20:
                break
    finally:
        consumer.close()
    assert values == list(range(20))


def test_catalogue_topics_exist_with_their_partitions(rtw_infra):
    wanted = topic_partitions()
    admin = make_admin(rtw_infra.kafka_bootstrap)
    try:
        described = {t["name"]: len(t["partitions"]) for t in admin.describe_topics(list(wanted))}
    finally:
        admin.close()
    assert described == wanted
    assert any(name.endswith(".dlq") for name in described)


def test_ensuring_topics_twice_creates_nothing_the_second_time(rtw_infra):
    name = f"test.ensure.{uuid.uuid4().hex[:8]}"
    assert ensure_topics(rtw_infra.kafka_bootstrap, {name: 2}) == [name]
    assert ensure_topics(rtw_infra.kafka_bootstrap, {name: 2}) == []
    admin = make_admin(rtw_infra.kafka_bootstrap)
    admin.delete_topics([name])
    admin.close()
