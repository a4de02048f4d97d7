"""Kafka client factories with the settings every RTW process uses, and topic provisioning.

Producers are idempotent with `acks=all` so a retried send never duplicates a record on the
broker; consumers never auto-commit, because offsets are committed only after the database
transaction that applied a record has committed (see docs/events.md).
"""

from __future__ import annotations

import logging
from collections.abc import Mapping

from kafka import KafkaAdminClient, KafkaConsumer, KafkaProducer
from kafka.admin import NewTopic
from kafka.errors import TopicAlreadyExistsError

log = logging.getLogger(__name__)


def make_producer(bootstrap_servers: str, *, client_id: str = "rtw", **overrides) -> KafkaProducer:
    """An idempotent producer: acks from all in-sync replicas, retries that cannot duplicate."""
    config = {
        "bootstrap_servers": bootstrap_servers,
        "client_id": client_id,
        "acks": "all",
        "enable_idempotence": True,
        "linger_ms": 0,
        "retries": 5,
        "max_in_flight_requests_per_connection": 5,
    }
    config.update(overrides)
    return KafkaProducer(**config)


def make_consumer(
    bootstrap_servers: str, *topics: str, group_id: str, client_id: str = "rtw", **overrides
) -> KafkaConsumer:
    """A group consumer that commits offsets only when told to (after the database commit)."""
    config = {
        "bootstrap_servers": bootstrap_servers,
        "client_id": client_id,
        "group_id": group_id,
        "enable_auto_commit": False,
        "auto_offset_reset": "earliest",
        "isolation_level": "read_committed",
    }
    config.update(overrides)
    return KafkaConsumer(*topics, **config)


def ensure_topics(bootstrap_servers: str, partitions_by_topic: Mapping[str, int]) -> list[str]:
    """Create the topics that do not exist yet; return the names created. Safe to run twice."""
    admin = KafkaAdminClient(bootstrap_servers=bootstrap_servers, client_id="rtw-provisioner")
    try:
        existing = set(admin.list_topics())
        missing = [
            NewTopic(name=name, num_partitions=count, replication_factor=1)
            for name, count in partitions_by_topic.items()
            if name not in existing
        ]
        if not missing:
            return []
        try:
            admin.create_topics(missing)
        except TopicAlreadyExistsError:
            # Another provisioner won the race; the topic exists, which is all we wanted.
            log.info("topics created concurrently by another process")
        return [topic.name for topic in missing]
    finally:
        admin.close()
