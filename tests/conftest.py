"""Cross-service tests. The real-server fixtures (`rtw_infra`, `scratch_database`,
`fresh_topic`, `tokens`) come from the rtw_devstack pytest plugin."""

from __future__ import annotations

import uuid

import pytest
from keycloak import KeycloakOpenID

from rtw_devstack.system import System
from rtw_shared.messaging.clients import ensure_topics
from rtw_shared.testing import create_migrated_database, delete_topics, drop_database
from rtw_shared.topics import topic_partitions


@pytest.fixture(scope="session")
def cli_client(rtw_infra) -> KeycloakOpenID:
    """The public `rtw-cli` client (password grant, development realm only)."""
    return KeycloakOpenID(server_url=rtw_infra.keycloak_url, realm_name=rtw_infra.keycloak_realm, client_id="rtw-cli")


def _running_system(rtw_infra, log_dir, settings: dict[str, str] | None, tablespace: str | None = None):
    """Start a private copy of the whole system (4 APIs, 4 workers, own databases and topics); yield it;
    stop it and drop what it made."""
    prefix = f"e{uuid.uuid4().hex[:8]}."
    topics = {prefix + n: p for n, p in topic_partitions().items()}
    ensure_topics(rtw_infra.kafka_bootstrap, topics)
    made: list[str] = []

    def make_database(migrations_dir, name: str) -> str:
        db_name, url = create_migrated_database(
            rtw_infra.pg_dsn(), migrations_dir, prefix=f"e2e_{name}", tablespace=tablespace
        )
        made.append(db_name)
        return url

    running = System(rtw_infra, prefix, log_dir, make_database, settings=settings)
    try:
        running.start()
        yield running
    finally:
        running.stop()
        delete_topics(rtw_infra.kafka_bootstrap, list(topics))
        for name in made:
            drop_database(rtw_infra.pg_dsn(), name)


@pytest.fixture(scope="session")
def shared_system(rtw_infra, tmp_path_factory, scratch_tablespace):
    """One system for the modules that only use it as people would (no clock moved, no process killed,
    no row tampered with, default settings): each test works on cases of its own."""
    logs = tmp_path_factory.mktemp("shared-system-logs")
    yield from _running_system(rtw_infra, logs, None, scratch_tablespace)


@pytest.fixture(scope="module")
def system(rtw_infra, tmp_path_factory, request, scratch_tablespace):
    """The system a test module runs against: the session's shared one, or a private one for a module
    that declares `PRIVATE_SYSTEM = "why"` (it moves the clock, kills processes, tampers with rows) or
    gives its services settings (`SYSTEM_SETTINGS`, e.g. {"RATE_LIMIT_PER_CALLER": ""})."""
    settings = getattr(request.module, "SYSTEM_SETTINGS", None)
    if settings is None and not getattr(request.module, "PRIVATE_SYSTEM", None):
        yield request.getfixturevalue("shared_system")
        return
    yield from _running_system(rtw_infra, tmp_path_factory.mktemp("system-logs"), settings, scratch_tablespace)
