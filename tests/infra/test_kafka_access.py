"""The broker lets no one in anonymously, and each service's principal only do what its code
needs (rtw_devstack.kafka_access): checked on the real broker with the services' real principals."""

from __future__ import annotations

import uuid
from contextlib import contextmanager

import pytest
from kafka import KafkaProducer
from kafka.errors import GroupAuthorizationFailedError, KafkaTimeoutError, TopicAuthorizationFailedError

from rtw_devstack import kafka_access
from rtw_devstack.kafka_access import dev_principal
from rtw_shared.messaging.clients import ensure_topics, make_admin, make_consumer, make_producer
from rtw_shared.services import SERVICE_DEFS
from rtw_shared.testing import wait_for
from rtw_shared.topics import ALL_TOPICS, topic_partitions


@contextmanager
def private_topics(rtw_infra):
    """A private copy of every topic, with the services' ACLs for it: (admin client, prefix)."""
    if rtw_infra.kafka_admin is None:
        pytest.skip("this broker (RTW_INFRA=containers) does not require authentication")
    name = f"acl{uuid.uuid4().hex[:8]}."
    ensure_topics(rtw_infra.kafka_bootstrap, {name + t: n for t, n in topic_partitions().items()})
    admin = make_admin(rtw_infra.kafka_bootstrap)
    try:
        kafka_access.grant(admin, name)
        yield admin, name
    finally:
        kafka_access.revoke(admin, name)
        admin.delete_topics([name + t for t in topic_partitions()])
        admin.close()


@pytest.fixture(scope="module")
def prefix(rtw_infra):
    with private_topics(rtw_infra) as (_, name):
        yield name


def send_as(rtw_infra, service: str, topic: str) -> None:
    producer = make_producer(rtw_infra.kafka_bootstrap, principal=dev_principal(service), max_block_ms=10_000)
    try:
        producer.send(topic, b"{}").get(timeout=15)
    finally:
        producer.close()


def read_as(rtw_infra, service: str, topic: str, group: str) -> list:
    """What `service` receives from `topic` within a few seconds (as the broker lets it)."""
    consumer = make_consumer(rtw_infra.kafka_bootstrap, topic, group_id=group, principal=dev_principal(service))
    received: list = []
    try:
        for _ in range(25):
            received += [r.value for batch in consumer.poll(timeout_ms=300).values() for r in batch]
            if received:
                break
    finally:
        consumer.close()
    return received


def test_a_client_without_credentials_is_refused(rtw_infra, prefix):
    with pytest.raises(KafkaTimeoutError):  # the broker never lets it bootstrap
        anonymous = KafkaProducer(
            bootstrap_servers=rtw_infra.kafka_bootstrap, max_block_ms=5000, bootstrap_timeout_ms=5000
        )
        anonymous.send(prefix + "intake.case.v1", b"{}").get(timeout=10)


def test_a_service_writes_its_own_topic_and_not_another_services(rtw_infra, prefix):
    send_as(rtw_infra, "intake", prefix + "intake.case.v1")
    with pytest.raises(TopicAuthorizationFailedError):
        send_as(rtw_infra, "employer", prefix + "intake.case.v1")


def test_a_consumer_may_dead_letter_what_it_consumes_but_not_other_dead_letters(rtw_infra, prefix):
    send_as(rtw_infra, "workplan", prefix + "intake.case.v1.dlq")  # workplan consumes intake's topic
    send_as(rtw_infra, "workplan", prefix + "employer.accommodation.v1.dlq")  # and the employer's (agreed counters)
    with pytest.raises(TopicAuthorizationFailedError):
        send_as(rtw_infra, "workplan", prefix + "notify.delivery.v1.dlq")  # it does not consume this


def test_a_service_reads_only_what_it_consumes_in_its_own_group(rtw_infra, prefix):
    send_as(rtw_infra, "employer", prefix + "employer.accommodation.v1")
    send_as(rtw_infra, "notify", prefix + "notify.delivery.v1")
    # notify and workplan consume the employer's topic and get the record; nobody consumes notify's, and
    # workplan gets nothing from it (kafka-python logs "not authorized" and delivers no record rather
    # than raising).
    assert read_as(rtw_infra, "notify", prefix + "employer.accommodation.v1", group=prefix + "notify") == [b"{}"]
    assert read_as(rtw_infra, "workplan", prefix + "employer.accommodation.v1", group=prefix + "workplan") == [b"{}"]
    assert read_as(rtw_infra, "workplan", prefix + "notify.delivery.v1", group=prefix + "workplan") == []
    with pytest.raises(GroupAuthorizationFailedError):
        read_as(rtw_infra, "workplan", prefix + "intake.case.v1", group=prefix + "intake")


def test_every_service_owns_its_own_topics_and_consumes_what_its_worker_handles():
    accesses = {defn.name: kafka_access.service_access(defn) for defn in SERVICE_DEFS}
    assert {t.owner for t in ALL_TOPICS} - set(accesses) == set()  # no topic without its service
    assert all(a.owns for a in accesses.values())  # every service publishes its events to a topic of its own
    assert {name: [t for t in a.owns if not t.startswith(name + ".")] for name, a in accesses.items()} == {
        name: [] for name in accesses
    }  # and names it after itself
    assert "intake.case.v1" in accesses["workplan"].consumes
    assert "employer.accommodation.v1" in accesses["workplan"].consumes  # accepted counters become the plan
    assert all(set(a.owns).isdisjoint(a.consumes) for a in accesses.values())  # no service reads itself


def sends(rtw_infra, service: str, topic: str) -> bool:
    """Whether the broker lets `service` write to `topic` now."""
    try:
        send_as(rtw_infra, service, topic)
    except TopicAuthorizationFailedError:
        return False
    return True


def test_revoking_a_prefix_takes_back_exactly_its_acls(rtw_infra, prefix):
    """What an end-to-end system does when it stops, so a long-lived broker does not pile them up.
    A broker applies an ACL change a moment after it acknowledged it (it travels through its metadata
    log), so each side is waited for, not assumed at once."""
    with private_topics(rtw_infra) as (admin, other):
        assert wait_for(lambda: sends(rtw_infra, "intake", other + "intake.case.v1"), timeout=20, interval=0.5)
        kafka_access.revoke(admin, other)
        assert wait_for(lambda: not sends(rtw_infra, "intake", other + "intake.case.v1"), timeout=20, interval=0.5)
        assert sends(rtw_infra, "intake", prefix + "intake.case.v1")  # another prefix's grant stands
