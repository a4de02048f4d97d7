"""The Unit of Work: one database transaction, and the only place one commits.

A service function changes state through `uow.session` and announces what happened with
`uow.emit(event)`; `uow.commit()` writes those events to the outbox in the same transaction and
wakes the relay with NOTIFY (delivered by PostgreSQL only if the transaction commits). Nothing
talks to Kafka inside a request."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime

from sqlalchemy import insert, text
from sqlalchemy.orm import Session, sessionmaker

from .clock import Clock, system_clock
from .context import current_correlation_id
from .event_tables import OUTBOX_CHANNEL, outbox
from .events.base import Envelope, EventPayload, encode_record


class UnitOfWork:
    def __init__(
        self,
        session_factory: sessionmaker[Session],
        *,
        source: str,
        topic_prefix: str = "",
        read_only: bool = False,
        clock: Clock = system_clock,
    ):
        self._session_factory = session_factory
        self.read_only = read_only
        self.source = source
        self.topic_prefix = topic_prefix
        self.clock = clock  # the process's clock (rtw_shared.clock): every time this work stamps
        self.session: Session
        self._pending: list[Envelope] = []

    def __enter__(self) -> UnitOfWork:
        self.session = self._session_factory()
        self._pending = []
        return self

    def __exit__(self, *exc_info: object) -> None:
        # Whatever was not committed explicitly is rolled back: no half-written records.
        self.session.rollback()
        self.session.close()

    def now(self) -> datetime:
        """The time on the process's clock (what handlers, use cases and timers stamp and compare)."""
        return self.clock()

    def emit(self, payload: EventPayload) -> Envelope:
        """Record that something happened (at `now()`); it is written to the outbox at commit."""
        self._refuse_if_read_only("emit an event")
        envelope = Envelope(source=self.source, correlation_id=current_correlation_id(), time=self.now(), data=payload)
        self._pending.append(envelope)
        return envelope

    @contextmanager
    def savepoint(self) -> Iterator[None]:
        """Undo, on an error inside the block, both its writes and the events it emitted."""
        emitted = len(self._pending)
        try:
            with self.session.begin_nested():
                yield
        except BaseException:
            del self._pending[emitted:]
            raise

    def commit(self) -> None:
        self._refuse_if_read_only("commit")
        if self._pending:
            self.session.execute(insert(outbox), [self._outbox_row(e) for e in self._pending])
            self.session.execute(text("SELECT pg_notify(:channel, '')"), {"channel": OUTBOX_CHANNEL})
        self.session.commit()
        self._pending = []

    def _refuse_if_read_only(self, what: str) -> None:
        if self.read_only:
            raise ReadOnlyUnitOfWorkError(f"a read-only Unit of Work (a GET request) cannot {what}")

    def _outbox_row(self, envelope: Envelope) -> dict[str, object]:
        key, value, headers = encode_record(envelope)
        return {
            "event_id": envelope.id,
            "topic": envelope.topic(self.topic_prefix),
            "key": key.decode(),
            "event_type": envelope.type,
            "headers": [[k, v.decode()] for k, v in headers],
            "payload": value.decode(),
        }


class ReadOnlyUnitOfWorkError(RuntimeError):
    """A read-only Unit of Work was asked to write: a GET endpoint that changes state is a bug."""
