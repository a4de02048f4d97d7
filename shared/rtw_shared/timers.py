"""Durable timers: "do this at that time", kept in the service's own PostgreSQL database.

Why rows claimed with `FOR UPDATE SKIP LOCKED` rather than a job-queue library (procrastinate,
say): a timer's effect (a notification row, an outbox event, a status change) must commit in the
*same transaction* as the timer being marked fired, which is what makes it fire once even when
the worker is killed half-way. Our Unit of Work already owns that transaction; a queue library
would bring its own connection, schema and worker model for a dozen lines of SQL.

- `schedule(session, key=…, kind=…, due_at=…)` in the transaction that creates the thing the
  timer waits on. The key names the timer (`accommodation-due-soon:<id>`): scheduling the same key
  again moves a timer that has not fired yet, and never re-arms one that has.
- `cancel(session, key)` (or `cancel_for(session, subject_id)`) when the awaited thing happened.
- `fire_due(uow_factory, handlers, now)` claims what is due, calls the handler of each timer's
  kind inside the same Unit of Work and marks it fired; a handler that fails is retried later
  with backoff and given up on (`dead`) after `max_attempts`. Tests call it with the `now` they
  want; `TimerLoop` calls it on the worker's clock (`rtw_shared.clock`).
"""

from __future__ import annotations

import threading
import uuid
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any

import structlog
from prometheus_client import Counter
from sqlalchemy import (
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
    select,
    text,
    update,
)
from sqlalchemy.dialects.postgresql import JSONB, UUID
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.orm import Session

from .clock import Clock, system_clock
from .uow import UnitOfWork

if TYPE_CHECKING:
    from .migrations import MigrationOps

log = structlog.get_logger("rtw.timers")

FIRED = Counter("rtw_timers_fired_total", "Durable timers fired", ["kind"])
FAILED = Counter("rtw_timers_failures_total", "Durable timer handler failures", ["kind"])

metadata = MetaData()

timers = Table(
    "timers",
    metadata,
    Column("key", String(300), primary_key=True),
    Column("kind", String(100), nullable=False),
    Column("due_at", DateTime(timezone=True), nullable=False),
    # What the timer is about (a request, a plan): lets one call cancel all of its timers.
    Column("subject_id", UUID(as_uuid=True)),
    Column("payload", JSONB, nullable=False, server_default=text("'{}'::jsonb")),
    Column("created_at", DateTime(timezone=True), nullable=False, server_default=func.now()),
    Column("fired_at", DateTime(timezone=True)),
    Column("cancelled_at", DateTime(timezone=True)),
    Column("attempts", Integer, nullable=False, server_default=text("0")),
    Column("last_error", Text),
    Column("dead", Boolean, nullable=False, server_default=text("false")),
    Index("ix_timers_due", "due_at", postgresql_where=text("fired_at IS NULL AND cancelled_at IS NULL AND NOT dead")),
    Index("ix_timers_subject_id", "subject_id"),
)


def create_timers_table(op: MigrationOps) -> None:
    """For a service's migration: the table of durable timers."""
    metadata.create_all(op.get_bind(), tables=[timers])


@dataclass(frozen=True)
class Timer:
    key: str
    kind: str
    due_at: datetime
    subject_id: uuid.UUID | None
    payload: dict[str, Any]  # JSON, as the timer was scheduled with
    attempts: int


TimerHandler = Callable[[UnitOfWork, Timer, datetime], None]

_PENDING = timers.c.fired_at.is_(None) & timers.c.cancelled_at.is_(None) & ~timers.c.dead


def schedule(
    session: Session,
    *,
    key: str,
    kind: str,
    due_at: datetime,
    subject_id: uuid.UUID | None = None,
    payload: Mapping[str, Any] | None = None,
) -> None:
    """Arm the timer `key` (or move it, if it has not fired and was not cancelled)."""
    values = {"key": key, "kind": kind, "due_at": due_at, "subject_id": subject_id, "payload": dict(payload or {})}
    statement = pg_insert(timers).values(**values)
    session.execute(
        statement.on_conflict_do_update(
            index_elements=[timers.c.key],
            set_={"due_at": due_at, "payload": statement.excluded.payload},
            where=_PENDING,
        )
    )


def cancel(session: Session, key: str) -> None:
    """The awaited thing happened: the timer `key` will not fire."""
    session.execute(update(timers).where(timers.c.key == key, _PENDING).values(cancelled_at=func.now()))


def cancel_for(session: Session, subject_id: uuid.UUID, *, kinds: tuple[str, ...] = ()) -> None:
    """Cancel every pending timer about `subject_id` (only those `kinds`, when given)."""
    condition = (timers.c.subject_id == subject_id) & _PENDING
    if kinds:
        condition &= timers.c.kind.in_(kinds)
    session.execute(update(timers).where(condition).values(cancelled_at=func.now()))


def fire_due(
    uow_factory: Callable[[], UnitOfWork],
    handlers: Mapping[str, TimerHandler],
    now: datetime,
    *,
    limit: int = 50,
    max_attempts: int = 5,
) -> int:
    """Fire the timers due at `now` (at most `limit`); returns how many fired."""
    with uow_factory() as uow:
        due = _claim(uow.session, now, limit)
        fired = 0
        for timer in due:
            fired += _fire_one(uow, timer, handlers, now, max_attempts)
        uow.commit()
    return fired


def _claim(session: Session, now: datetime, limit: int) -> list[Timer]:
    query = (
        select(timers)
        .where(_PENDING, timers.c.due_at <= now)
        .order_by(timers.c.due_at)
        .limit(limit)
        .with_for_update(skip_locked=True)
    )
    return [
        Timer(r.key, r.kind, r.due_at, r.subject_id, r.payload, r.attempts) for r in session.execute(query).mappings()
    ]


def _fire_one(
    uow: UnitOfWork, timer: Timer, handlers: Mapping[str, TimerHandler], now: datetime, max_attempts: int
) -> int:
    handler = handlers.get(timer.kind)
    try:
        if handler is None:
            raise LookupError(f"no handler for timer kind {timer.kind!r}")
        with uow.savepoint():
            handler(uow, timer, now)
    except Exception as error:  # one bad timer must not hold back the others
        _record_failure(uow.session, timer, error, now, max_attempts)
        return 0
    uow.session.execute(update(timers).where(timers.c.key == timer.key).values(fired_at=now))
    FIRED.labels(timer.kind).inc()
    log.info("timer fired", kind=timer.kind, key=timer.key)
    return 1


def _record_failure(session: Session, timer: Timer, error: Exception, now: datetime, max_attempts: int) -> None:
    attempts = timer.attempts + 1
    dead = attempts >= max_attempts
    session.execute(
        update(timers)
        .where(timers.c.key == timer.key)
        .values(
            attempts=attempts,
            last_error=f"{type(error).__name__}: {error}"[:2000],
            dead=dead,
            due_at=now + timedelta(seconds=30 * 2**attempts),  # backoff: 1, 2, 4, 8 … minutes
        )
    )
    FAILED.labels(timer.kind).inc()
    log.warning("timer failed", kind=timer.kind, key=timer.key, attempts=attempts, dead=dead, error=str(error))


class TimerLoop:
    """Fires due timers every `poll_seconds` on `clock` until stopped (a worker loop)."""

    def __init__(
        self,
        uow_factory: Callable[[], UnitOfWork],
        handlers: Mapping[str, TimerHandler],
        *,
        clock: Clock = system_clock,
        poll_seconds: float = 1.0,
    ):
        self._uow_factory = uow_factory
        self._handlers = handlers
        self._clock = clock
        self._poll_seconds = poll_seconds
        self._stopping = threading.Event()

    def run(self) -> None:
        while not self._stopping.is_set():
            try:
                while fire_due(self._uow_factory, self._handlers, self._clock()) and not self._stopping.is_set():
                    pass  # a full batch: there may be more due right now
            except Exception:
                log.exception("timer tick failed; retrying")
            self._stopping.wait(self._poll_seconds)

    def stop(self) -> None:
        self._stopping.set()
