"""The outbox relay: publishes committed outbox rows to Kafka, in order, each once.

Several relays may run at once. Each claims a batch with `FOR UPDATE SKIP LOCKED`, so no row is
taken twice; a row whose key (case) has an older row still pending elsewhere is left for later,
so one case's events keep their order even across relays. Rows are marked published only after
the broker acknowledged them (idempotent producer, acks=all). A crash between the two leaves
the row pending: it is sent again, and consumers drop the duplicate by event id. A row that
keeps failing is marked dead after `max_attempts` instead of blocking the relay forever.

It is woken by LISTEN/NOTIFY when a transaction commits events, and polls as a fallback."""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass

import psycopg
import structlog
from kafka import KafkaProducer
from kafka.errors import KafkaError, KafkaTimeoutError
from kafka.producer.future import FutureRecordMetadata
from prometheus_client import Counter
from sqlalchemy import text
from sqlalchemy.engine import Connection, Engine
from sqlalchemy.exc import OperationalError

from ..event_tables import OUTBOX_CHANNEL

log = structlog.get_logger("rtw.relay")

PUBLISHED = Counter("rtw_outbox_published_total", "Outbox rows published to Kafka", ["topic"])
FAILED = Counter("rtw_outbox_publish_failures_total", "Failed attempts to publish an outbox row")
DEAD = Counter("rtw_outbox_dead_total", "Outbox rows given up on after repeated failures")

# Claim a batch, and say for each row whether its key (case) has an older pending row we did not
# claim (another relay holds it): one statement, one round trip.
CLAIM = text("""
    WITH claimed AS (
        SELECT id, topic, key, headers, payload, attempts FROM outbox
        WHERE published_at IS NULL AND NOT dead
        ORDER BY id LIMIT :limit FOR UPDATE SKIP LOCKED
    ), blocked AS (
        SELECT DISTINCT o.key FROM outbox o
        WHERE o.published_at IS NULL AND NOT o.dead
          AND o.id < (SELECT max(id) FROM claimed)
          AND o.id NOT IN (SELECT id FROM claimed)
          AND o.key IN (SELECT key FROM claimed)
    )
    SELECT c.id, c.topic, c.key, c.headers, c.payload, c.attempts, c.key IN (SELECT key FROM blocked) AS blocked
    FROM claimed c ORDER BY c.id
""")
MARK_PUBLISHED = text("UPDATE outbox SET published_at = now(), attempts = attempts + 1 WHERE id = ANY(:ids)")
MARK_FAILED = text(
    "UPDATE outbox SET attempts = attempts + 1, last_error = :error, "
    "dead = (attempts + 1 >= :max_attempts) WHERE id = :id RETURNING dead"
)


@dataclass(frozen=True)
class Row:
    id: int
    topic: str
    key: str
    headers: list[list[str]]  # [[name, value], …] as the outbox's JSON holds them
    payload: str
    attempts: int


class OutboxRelay:
    def __init__(
        self,
        engine: Engine,
        producer: KafkaProducer,
        *,
        batch_size: int = 1000,
        max_attempts: int = 10,
        poll_seconds: float = 1.0,
        send_timeout: float = 15.0,
    ):
        self.engine = engine
        self.producer = producer
        self.batch_size = batch_size
        self.max_attempts = max_attempts
        self.poll_seconds = poll_seconds
        self.send_timeout = send_timeout
        self.stopping = threading.Event()

    def run(self) -> None:
        """Publish until stopped: drain what is pending, then sleep until NOTIFY or the poll. A lost
        database (restarted, failed over) is waited for and reconnected to; it never stops the relay."""
        while not self.stopping.is_set():
            try:
                with self._listener() as listener:
                    while not self.stopping.is_set():
                        while self.publish_batch() and not self.stopping.is_set():
                            pass
                        self._wait_for_notify(listener)
            except (psycopg.OperationalError, OperationalError) as error:
                log.warning("database unavailable; the relay retries in 1 s", error=str(error).splitlines()[0])
                self.stopping.wait(1.0)

    def stop(self) -> None:
        self.stopping.set()

    def _wait_for_notify(self, listener: psycopg.Connection) -> None:
        """Return on NOTIFY, after the poll interval, or soon after stop() — whichever first."""
        deadline = time.monotonic() + self.poll_seconds
        while not self.stopping.is_set() and (remaining := deadline - time.monotonic()) > 0:
            if any(True for _ in listener.notifies(timeout=min(remaining, 0.5), stop_after=1)):
                return

    def _listener(self) -> psycopg.Connection:
        url = self.engine.url.set(drivername="postgresql")
        conn = psycopg.connect(url.render_as_string(hide_password=False), autocommit=True)
        conn.execute(f"LISTEN {OUTBOX_CHANNEL}")
        return conn

    def publish_batch(self) -> int:
        """Publish one claimed batch; return how many rows it published."""
        with self.engine.begin() as conn:
            claimed = conn.execute(CLAIM, {"limit": self.batch_size}).all()
            if not claimed:
                return 0
            rows = [Row(*r[:-1]) for r in claimed if not r.blocked]  # a blocked key waits for its older row
            published, failures = self._send(rows)
            if published:
                conn.execute(MARK_PUBLISHED, {"ids": [r.id for r in published]})
            for row, error in failures:
                self._record_failure(conn, row, error)
        for row in published:
            PUBLISHED.labels(row.topic).inc()
        return len(published)

    def _send(self, rows: list[Row]) -> tuple[list[Row], list[tuple[Row, str]]]:
        """Send every row, then wait for the broker's acknowledgements. What the broker
        acknowledged is published, even beside a failure: sending it again would duplicate it.
        A row the broker has not answered for within the timeout (it is away) is neither published
        nor failed: it stays pending and goes again later, so an outage neither kills the relay nor
        uses up rows' attempts. (Per-partition order holds because the idempotent producer
        retries in order.)"""
        published, failures, futures = [], [], []
        for row in rows:
            try:
                futures.append((row, self._produce(row)))
            except KafkaError as error:  # e.g. no metadata for the topic within max_block_ms
                failures.append((row, f"{type(error).__name__}: {error}"))
        try:
            self.producer.flush(timeout=self.send_timeout)
        except KafkaTimeoutError:
            log.warning("the broker did not acknowledge in time; unacknowledged rows stay pending")
        for row, future in futures:
            if not future.is_done:
                continue  # no answer: pending, sent again later
            try:
                future.get(timeout=0)
                published.append(row)
            except KafkaError as error:
                failures.append((row, f"{type(error).__name__}: {error}"))
        return published, failures

    def _produce(self, row: Row) -> FutureRecordMetadata:
        headers = [(k, v.encode()) for k, v in row.headers]
        return self.producer.send(row.topic, key=row.key.encode(), value=row.payload.encode(), headers=headers)

    def _record_failure(self, conn: Connection, row: Row, error: str) -> None:
        FAILED.inc()
        dead = conn.execute(
            MARK_FAILED, {"id": row.id, "error": error[:2000], "max_attempts": self.max_attempts}
        ).scalar()
        if dead:
            DEAD.inc()
        log.warning("outbox row not published", outbox_id=row.id, topic=row.topic, error=error, dead=dead)
