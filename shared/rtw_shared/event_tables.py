"""The outbox, inbox and parked-events tables, the same in every service's database (each service's
first migration creates them with `create_messaging_tables`). The Unit of Work writes the outbox;
rtw_shared.messaging relays it and keeps the inbox and the parked events."""

from __future__ import annotations

from typing import TYPE_CHECKING

from sqlalchemy import (
    BigInteger,
    Boolean,
    Column,
    DateTime,
    Index,
    Integer,
    MetaData,
    String,
    Table,
    Text,
    func,
    text,
)
from sqlalchemy.dialects.postgresql import JSONB, UUID

if TYPE_CHECKING:
    from .migrations import MigrationOps

metadata = MetaData()

# Events waiting to leave (and, once published, a record of what left and when).
outbox = Table(
    "outbox",
    metadata,
    Column("id", BigInteger, primary_key=True, autoincrement=True),  # publication order
    Column("event_id", UUID(as_uuid=True), nullable=False, unique=True),
    Column("topic", String(200), nullable=False),
    Column("key", String(200), nullable=False),
    Column("event_type", String(200), nullable=False),
    Column("headers", JSONB, nullable=False),
    Column("payload", Text, nullable=False),
    Column("created_at", DateTime(timezone=True), nullable=False, server_default=func.now()),
    Column("published_at", DateTime(timezone=True)),
    Column("attempts", Integer, nullable=False, server_default=text("0")),
    Column("last_error", Text),
    Column("dead", Boolean, nullable=False, server_default=text("false")),
    Index("ix_outbox_pending", "id", postgresql_where=text("published_at IS NULL AND NOT dead")),
    Index("ix_outbox_published_at", "published_at", postgresql_where=text("published_at IS NOT NULL")),
)

# Events this service has applied, per consumer: the idempotency record.
inbox = Table(
    "inbox",
    metadata,
    Column("consumer", String(100), primary_key=True),
    Column("event_id", UUID(as_uuid=True), primary_key=True),
    Column("event_type", String(200), nullable=False),
    Column("processed_at", DateTime(timezone=True), nullable=False, server_default=func.now()),
    Index("ix_inbox_processed_at", "processed_at"),
)

# Events that arrived before their case (rtw_shared.messaging.parking).
parked_events = Table(
    "parked_events",
    metadata,
    Column("consumer", String(100), primary_key=True),
    Column("event_id", UUID(as_uuid=True), primary_key=True),
    Column("case_id", UUID(as_uuid=True), nullable=False),
    Column("event_type", String(200), nullable=False),
    Column("headers", JSONB, nullable=False),
    Column("payload", Text, nullable=False),
    Column("parked_at", DateTime(timezone=True), nullable=False, server_default=func.now()),
    Column("last_error", Text),
    Index("ix_parked_events_case", "consumer", "case_id"),
)

OUTBOX_CHANNEL = "rtw_outbox"


def create_messaging_tables(op: MigrationOps) -> None:
    """For a service's first Alembic migration: create outbox and inbox."""
    bind = op.get_bind()
    metadata.create_all(bind, tables=[outbox, inbox])


def create_pruning_indexes(op: MigrationOps) -> None:
    """For a service's migration: the indexes pruning deletes by (rtw_shared.messaging.pruning).
    A database created after they were declared has them already, hence `checkfirst`."""
    for table in (outbox, inbox):
        for index in table.indexes:
            if index.name in ("ix_outbox_published_at", "ix_inbox_processed_at"):
                index.create(op.get_bind(), checkfirst=True)


def drop_pruning_indexes(op: MigrationOps) -> None:
    """The downgrade of `create_pruning_indexes`."""
    op.drop_index("ix_inbox_processed_at", table_name="inbox")
    op.drop_index("ix_outbox_published_at", table_name="outbox")


def create_parking_table(op: MigrationOps) -> None:
    """For a service's migration: the table of events waiting for their case."""
    metadata.create_all(op.get_bind(), tables=[parked_events])


def drop_messaging_tables(op: MigrationOps) -> None:
    bind = op.get_bind()
    metadata.drop_all(bind, tables=[inbox, outbox])
