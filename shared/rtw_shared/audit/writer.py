"""Writes audit rows in batches: group commit for the audit log.

A request hands its row to `AuditWriter.write` and waits for the returned future before its
response goes out, so no answer leaves without its audit row. One thread drains the queue:
whatever arrived while the last batch was being written goes into the next batch, linked to the
chain under one advisory lock, in one transaction. Alone, a row costs one short transaction; under
load, many rows share it (the hash chain is per batch, not per request)."""

from __future__ import annotations

import queue
import threading
from collections.abc import Mapping
from concurrent.futures import Future
from enum import Enum
from typing import Any, Final

import structlog
from prometheus_client import Counter, Histogram
from sqlalchemy.engine import Engine

from . import repository

log = structlog.get_logger("rtw.audit")
MAX_BATCH = 500
BATCH_SIZE = Histogram(
    "rtw_audit_batch_rows", "Audit rows written per transaction", buckets=(1, 2, 4, 8, 16, 32, 64, 128, 256, 512)
)
WRITE_FAILURES = Counter("rtw_audit_write_failures_total", "Audit rows that could not be written")


class _Stop(Enum):
    """Queued after the last row: write what came before, then stop."""

    STOP = "stop"


_STOP: Final = _Stop.STOP
# A queued row, and the future that resolves to its id.
Queued = tuple[Mapping[str, Any], Future[int]]


class AuditWriter:
    def __init__(self, engine: Engine):
        self.engine = engine
        self._queue: queue.SimpleQueue[Queued | _Stop] = queue.SimpleQueue()
        self._thread = threading.Thread(target=self._run, name="audit-writer", daemon=True)
        self._thread.start()

    def write(self, content: Mapping[str, Any]) -> Future[int]:
        """Queue one row; the future resolves to its id once committed (or to the write's error)."""
        future: Future[int] = Future()
        self._queue.put((content, future))
        return future

    def close(self, timeout: float = 10.0) -> None:
        """Write what is queued, then stop."""
        self._queue.put(_STOP)
        self._thread.join(timeout)

    def _run(self) -> None:
        while True:
            batch, stopping = self._next_batch()
            if batch:
                self._write(batch)
            if stopping:
                return

    def _next_batch(self) -> tuple[list[Queued], bool]:
        first = self._queue.get()
        if first is _STOP:
            return [], True
        batch = [first]
        while len(batch) < MAX_BATCH:
            try:
                item = self._queue.get_nowait()
            except queue.Empty:
                break
            if item is _STOP:
                return batch, True
            batch.append(item)
        return batch, False

    def _write(self, batch: list[Queued]) -> None:
        try:
            with self.engine.connect() as conn:
                ids = repository.append_batch(conn, [content for content, _ in batch], commit=True)
        except Exception as error:
            WRITE_FAILURES.inc(len(batch))
            log.exception("audit batch not written", rows=len(batch))
            for _, future in batch:
                future.set_exception(error)
            return
        BATCH_SIZE.observe(len(batch))
        for (_, future), row_id in zip(batch, ids, strict=True):
            future.set_result(row_id)
