"""Keeps the outbox and the inbox bounded: rows older than a retention are deleted on a schedule.

- Outbox: only *published* rows go (pending and dead rows stay: one is still to be sent, the other
  waits for an operator).
- Inbox: the idempotency record of applied events. A duplicate can arrive only while Kafka still
  holds the event (a redelivery, a replay from the topic, a dead-letter replay), so the retention
  must be longer than the topics' retention; 7 days is the default for both. The audit log is
  never pruned (it is append-only by design, docs/audit.md).

Deletion runs in small batches, each its own short transaction, so it never holds long locks nor
blocks the relay or the consumer; both tables have an index on the timestamp it prunes by."""

from __future__ import annotations

import threading
from dataclasses import dataclass
from datetime import datetime, timedelta

import structlog
from prometheus_client import Counter
from sqlalchemy import TextClause, text
from sqlalchemy.engine import Engine

from ..clock import Clock, system_clock

log = structlog.get_logger("rtw.pruning")

PRUNED = Counter("rtw_rows_pruned_total", "Outbox and inbox rows deleted after their retention", ["table"])

PRUNE_OUTBOX = text("""
    DELETE FROM outbox WHERE id IN (
        SELECT id FROM outbox WHERE published_at < :cutoff ORDER BY published_at LIMIT :batch)
""")
PRUNE_INBOX = text("""
    DELETE FROM inbox WHERE (consumer, event_id) IN (
        SELECT consumer, event_id FROM inbox WHERE processed_at < :cutoff ORDER BY processed_at LIMIT :batch)
""")


@dataclass(frozen=True)
class Pruned:
    outbox: int
    inbox: int


def prune(engine: Engine, now: datetime, *, retention: timedelta, batch_size: int = 2000) -> Pruned:
    """Delete what is older than `retention` at `now`, batch by batch; returns how many rows went."""
    cutoff = now - retention
    return Pruned(
        outbox=_prune_table(engine, "outbox", PRUNE_OUTBOX, cutoff, batch_size),
        inbox=_prune_table(engine, "inbox", PRUNE_INBOX, cutoff, batch_size),
    )


def _prune_table(engine: Engine, table: str, statement: TextClause, cutoff: datetime, batch_size: int) -> int:
    total = 0
    while True:
        with engine.begin() as conn:
            deleted = conn.execute(statement, {"cutoff": cutoff, "batch": batch_size}).rowcount
        total += deleted
        PRUNED.labels(table).inc(deleted)
        if deleted < batch_size:
            return total


class Pruner:
    """A worker loop: prunes every `every_seconds` (the first time soon after start)."""

    def __init__(
        self,
        engine: Engine,
        *,
        retention: timedelta,
        every_seconds: float = 3600.0,
        clock: Clock = system_clock,
    ):
        self._engine = engine
        self._retention = retention
        self._every_seconds = every_seconds
        self._clock = clock
        self._stopping = threading.Event()

    def run(self) -> None:
        while not self._stopping.wait(min(self._every_seconds, 30.0)):
            try:
                pruned = prune(self._engine, self._clock(), retention=self._retention)
                if pruned.outbox or pruned.inbox:
                    log.info("pruned", outbox=pruned.outbox, inbox=pruned.inbox, retention=str(self._retention))
            except Exception:
                log.exception("pruning failed; trying again later")
            self._stopping.wait(max(self._every_seconds - 30.0, 0.0))

    def stop(self) -> None:
        self._stopping.set()
