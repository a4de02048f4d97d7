"""A private copy of the whole system (four APIs, four workers) on scratch databases and a
private topic prefix, per test module."""

from __future__ import annotations

import pytest

from rtw_devstack.system import System


@pytest.fixture(scope="module")
def system(rtw_infra, tmp_path_factory):
    import uuid

    from rtw_shared.messaging.clients import ensure_topics
    from rtw_shared.messaging.topics import topic_partitions
    from rtw_shared.testing import create_migrated_database, drop_database

    prefix = f"e{uuid.uuid4().hex[:8]}."
    ensure_topics(rtw_infra.kafka_bootstrap, {prefix + n: p for n, p in topic_partitions().items()})
    made: list[str] = []

    def make_database(migrations_dir, name: str) -> str:
        db_name, url = create_migrated_database(rtw_infra.pg_dsn(), migrations_dir, prefix=f"e2e_{name}")
        made.append(db_name)
        return url

    log_dir = tmp_path_factory.mktemp("system-logs")
    running = System(rtw_infra, prefix, log_dir, make_database)
    running.start()
    yield running
    running.stop()
    for name in made:
        drop_database(rtw_infra.pg_dsn(), name)
