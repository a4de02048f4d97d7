from __future__ import annotations

import uuid

import pytest
from sqlalchemy import Column, Integer, MetaData, String, Table
from sqlalchemy.dialects.postgresql import UUID

from rtw_shared.db import make_engine, make_session_factory
from rtw_shared.event_tables import metadata as messaging_metadata
from rtw_shared.uow import UnitOfWork

effects_metadata = MetaData()
effects = Table(
    "effects",
    effects_metadata,
    Column("id", Integer, primary_key=True),
    Column("event_id", UUID(as_uuid=True), nullable=False),
    Column("note", String(100)),
)


@pytest.fixture
def engine(scratch_database):
    engine = make_engine(scratch_database.replace("postgresql://", "postgresql+psycopg://"), pool_size=5)
    messaging_metadata.create_all(engine)
    effects_metadata.create_all(engine)
    yield engine
    engine.dispose()


@pytest.fixture
def uow_factory(engine, prefix):
    session_factory = make_session_factory(engine)
    return lambda: UnitOfWork(session_factory, source="test", topic_prefix=prefix)


@pytest.fixture
def prefix(rtw_infra) -> str:
    """A private copy of the case topic (and its dead-letter twin) for one test."""
    from kafka.admin import NewTopic

    from rtw_shared.messaging.clients import make_admin

    name = f"m{uuid.uuid4().hex[:8]}."
    admin = make_admin(rtw_infra.kafka_bootstrap)
    created = [name + "intake.case.v1", name + "intake.case.v1.dlq"]
    admin.create_topics([NewTopic(created[0], 3, 1), NewTopic(created[1], 1, 1)])
    yield name
    admin.delete_topics(created)
    admin.close()


@pytest.fixture
def effects_table() -> Table:
    """A table the test handlers write their effects to (created with the engine)."""
    return effects
