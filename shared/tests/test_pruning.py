"""Pruning keeps the outbox and inbox bounded on real PostgreSQL: old published and applied rows
go, pending and dead outbox rows and anything recent stay."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta

from sqlalchemy import insert, select

from rtw_shared.event_tables import inbox, outbox
from rtw_shared.messaging.pruning import prune

NOW = datetime.now(UTC)  # the real time: pruning is judged relative to it, on any day
OLD = NOW - timedelta(days=8)
RECENT = NOW - timedelta(days=6)


def outbox_row(label: str, *, published_at=None, dead=False, created_at=OLD) -> dict:
    return {
        "event_id": uuid.uuid4(),
        "topic": "t",
        "key": label,
        "event_type": "x",
        "headers": [],
        "payload": "{}",
        "created_at": created_at,
        "published_at": published_at,
        "dead": dead,
    }


def test_old_published_and_applied_rows_are_pruned_in_batches_and_nothing_else(engine):
    old_published = [outbox_row(f"old-{n}", published_at=OLD) for n in range(7)]
    kept = [
        outbox_row("recent", published_at=RECENT),
        outbox_row("pending"),
        outbox_row("dead", dead=True),
    ]
    inbox_rows = [
        {"consumer": "c", "event_id": uuid.uuid4(), "event_type": "x", "processed_at": when}
        for when in [OLD] * 5 + [RECENT] * 2
    ]
    with engine.begin() as conn:
        conn.execute(insert(outbox), old_published + kept)
        conn.execute(insert(inbox), inbox_rows)

    pruned = prune(engine, NOW, retention=timedelta(days=7), batch_size=3)

    assert (pruned.outbox, pruned.inbox) == (7, 5)
    with engine.connect() as conn:
        assert sorted(conn.execute(select(outbox.c.key)).scalars()) == ["dead", "pending", "recent"]
        assert list(conn.execute(select(inbox.c.processed_at)).scalars()) == [RECENT, RECENT]
    assert prune(engine, NOW, retention=timedelta(days=7)) == type(pruned)(outbox=0, inbox=0)


def test_the_indexes_pruning_deletes_by_exist(engine):
    with engine.connect() as conn:
        names = set(conn.exec_driver_sql("SELECT indexname FROM pg_indexes").scalars())
    assert {"ix_outbox_published_at", "ix_inbox_processed_at"} <= names
