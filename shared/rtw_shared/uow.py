"""The Unit of Work: one database transaction, and the only place one commits.

A service function changes state through `uow.session` and announces what happened with
`uow.emit(event)`; `uow.commit()` writes those events to the outbox in the same transaction and
wakes the relay with NOTIFY (delivered by PostgreSQL only if the transaction commits). Nothing
talks to Kafka inside a request.

The commit sends, after the ORM's own changes, everything else in ONE round trip (rtw_shared.db's
pipeline): the statements a hot path queued with `on_commit`, the outbox rows and NOTIFY (one
statement), the request's audit row when a request is committing (rtw_shared.audit_context), and
COMMIT."""

from __future__ import annotations

import json
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime

from sqlalchemy.orm import Session, sessionmaker

from . import audit_context
from .clock import Clock, system_clock
from .context import current_correlation_id
from .db import Statement, pipelined
from .event_tables import OUTBOX_CHANNEL
from .events.base import Envelope, EventPayload, encode_record

# The outbox rows of one commit in their emitted order (ids follow it: the relay publishes by id),
# and one NOTIFY for the relay (PostgreSQL delivers it only if the transaction commits).
# The rows travel as one JSON array (one parameter: cheaper to send than six arrays).
WRITE_OUTBOX = f"""
WITH written AS (
    INSERT INTO outbox (event_id, topic, key, event_type, headers, payload)
    SELECT e.event_id, e.topic, e.key, e.event_type, e.headers, e.payload
    FROM ROWS FROM (json_to_recordset(%(events)s::json)
                    AS (event_id uuid, topic text, key text, event_type text, headers jsonb, payload text))
         WITH ORDINALITY AS e (event_id, topic, key, event_type, headers, payload, position)
    ORDER BY e.position
    RETURNING 1
)
SELECT pg_notify('{OUTBOX_CHANNEL}', '') FROM (SELECT count(*) FROM written) AS written_rows
"""


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
        self._on_commit: list[Statement] = []

    def __enter__(self) -> UnitOfWork:
        self.session = self._session_factory()
        self._pending = []
        self._on_commit = []
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    def close(self) -> None:
        """Roll back whatever was not committed explicitly (no half-written records) and let go of the connection."""
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
        """Undo, on an error inside the block, its writes, the events it emitted and the statements it queued."""
        emitted, queued = len(self._pending), len(self._on_commit)
        try:
            with self.session.begin_nested():
                yield
        except BaseException:
            del self._pending[emitted:]
            del self._on_commit[queued:]
            raise

    def on_commit(self, *statements: Statement) -> None:
        """Run `statements` (repository SQL) at commit, in order, in the commit's round trip: writes that
        nothing reads before then (a hot path's rows; make bench)."""
        self._refuse_if_read_only("write")
        self._on_commit += statements

    def commit(self) -> None:
        """Commit: the ORM's changes, then in one round trip the queued statements, the outbox rows and
        NOTIFY, the request's audit row (if a request is committing) and COMMIT."""
        self._refuse_if_read_only("commit")
        self.session.flush()
        statements = list(self._on_commit)
        if self._pending:
            statements.append((WRITE_OUTBOX, self._outbox_rows()))
        note = audit_context.current_note()
        audit_row = note.row_statements() if note and note.row_statements and note.written_with is None else None
        if audit_row:
            statements += audit_row[0]
        if statements:
            pipelined(self.session, statements, commit=True)
        self.session.commit()  # what is left to send: nothing after the pipeline's COMMIT
        if note and audit_row:
            note.written_with = audit_row[1]
        self._pending, self._on_commit = [], []

    def _refuse_if_read_only(self, what: str) -> None:
        if self.read_only:
            raise ReadOnlyUnitOfWorkError(f"a read-only Unit of Work (a GET request) cannot {what}")

    def _outbox_rows(self) -> dict[str, str]:
        """The pending events as WRITE_OUTBOX's parameter."""
        rows = []
        for envelope in self._pending:
            key, value, headers = encode_record(envelope)
            rows.append(
                {
                    "event_id": str(envelope.id),
                    "topic": envelope.topic(self.topic_prefix),
                    "key": key.decode(),
                    "event_type": envelope.type,
                    "headers": [[k, v.decode()] for k, v in headers],
                    "payload": value.decode(),
                }
            )
        return {"events": json.dumps(rows)}


class ReadOnlyUnitOfWorkError(RuntimeError):
    """A read-only Unit of Work was asked to write: a GET endpoint that changes state is a bug."""
