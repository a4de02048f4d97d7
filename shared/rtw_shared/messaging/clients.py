"""Kafka client factories with the settings every RTW process uses, and topic provisioning.

Producers are idempotent with `acks=all` so a retried send never duplicates a record on the
broker; consumers never auto-commit, because offsets are committed only after the database
transaction that applied a record has committed (see docs/events.md).

Every client authenticates with SASL/SCRAM-SHA-512 as a principal (the broker has no anonymous
listener, and its ACLs say what each principal may do). A service passes its own principal from
its settings; tools and tests that pass none use `RTW_KAFKA_USERNAME` / `RTW_KAFKA_PASSWORD` from
the environment (as libpq reads PGPASSWORD). With neither, the client speaks plain Kafka.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Mapping

from kafka import KafkaAdminClient, KafkaConsumer, KafkaProducer
from kafka.admin import NewTopic
from kafka.errors import TopicAlreadyExistsError

from ..settings import KafkaPrincipal

log = logging.getLogger(__name__)
# kafka-python warns on every SASL_PLAINTEXT login. SCRAM never sends the password (only a salted
# proof), but the session itself is unencrypted: fine on loopback, not across a network, where the
# listener should be SASL_SSL (docs/operations.md). Said once here rather than on every connection.
logging.getLogger("kafka.net.sasl.scram").setLevel(logging.ERROR)

USERNAME_ENV, PASSWORD_ENV = "RTW_KAFKA_USERNAME", "RTW_KAFKA_PASSWORD"
MECHANISM = "SCRAM-SHA-512"


def principal_from_env() -> KafkaPrincipal | None:
    username, password = os.environ.get(USERNAME_ENV), os.environ.get(PASSWORD_ENV)
    return KafkaPrincipal(username, password) if username and password else None


def security_config(principal: KafkaPrincipal | None = None) -> dict[str, str]:
    """kafka-python settings that authenticate as `principal` (or the environment's)."""
    principal = principal or principal_from_env()
    if principal is None:
        return {}
    return {
        "security_protocol": "SASL_PLAINTEXT",
        "sasl_mechanism": MECHANISM,
        "sasl_plain_username": principal.username,
        "sasl_plain_password": principal.password,
    }


def make_admin(
    bootstrap_servers: str, *, principal: KafkaPrincipal | None = None, **overrides: object
) -> KafkaAdminClient:
    """An admin client (topics, ACLs), authenticated like every other client."""
    config: dict[str, object] = {
        "bootstrap_servers": bootstrap_servers,
        "client_id": "rtw-admin",
        **security_config(principal),
    }
    config.update(overrides)
    return KafkaAdminClient(**config)


def make_producer(
    bootstrap_servers: str, *, client_id: str = "rtw", principal: KafkaPrincipal | None = None, **overrides: object
) -> KafkaProducer:
    """An idempotent producer: acks from all in-sync replicas, retries that cannot duplicate."""
    config: dict[str, object] = {
        **security_config(principal),
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
    bootstrap_servers: str,
    *topics: str,
    group_id: str | None,
    client_id: str = "rtw",
    principal: KafkaPrincipal | None = None,
    **overrides: object,
) -> KafkaConsumer:
    """A group consumer that commits offsets only when told to (after the database commit)."""
    config: dict[str, object] = {
        **security_config(principal),
        "bootstrap_servers": bootstrap_servers,
        "client_id": client_id,
        "group_id": group_id,
        "enable_auto_commit": False,
        "auto_offset_reset": "earliest",
        "isolation_level": "read_committed",
        # A member that died without leaving (SIGKILL, OOM) holds its partitions until its session
        # expires, and its restarted successor's join waits for that. kafka-python 3's default is
        # 45 s (KIP-735): a supervised restart consumed nothing for 45-80 s. Heartbeats come from
        # the client's own network loop, so a long batch does not count against 10 s
        # (`max_poll_interval_ms` bounds that).
        "session_timeout_ms": 10_000,
        "heartbeat_interval_ms": 3_000,
    }
    config.update(overrides)
    return KafkaConsumer(*topics, **config)


def ensure_topics(
    bootstrap_servers: str, partitions_by_topic: Mapping[str, int], *, principal: KafkaPrincipal | None = None
) -> list[str]:
    """Create the topics that do not exist yet; return the names created. Safe to run twice."""
    admin = make_admin(bootstrap_servers, principal=principal, client_id="rtw-provisioner")
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
