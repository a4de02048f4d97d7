"""Request rate limits: per caller (the token's subject) and, for requests without a valid token,
per client address — so one runaway script or one stranger cannot take a service from everyone.

Limits are `limits` strings, several separated by `;` (e.g. `100/second;3000/minute`): a short one
against bursts, a long one against sustained load. An empty string turns a limit off (the load-test
profile does, explicitly). They are counted in fixed windows (a `100/second` limit: at most 100 in each
calendar second).

Every replica of a service counts into one table of its database (`rate_limit_hits`, UNLOGGED: counts
are worth no WAL), so N replicas behind a balancer still grant a caller the limit once, not N times.
The `limits` library ships no PostgreSQL storage, and a round trip per request would cost more than
the rest of the gate, so this is its documented equivalent (docs/operations.md, "Replicas"): a process
decides from the totals of every replica as of its last flush plus its own hits since, and flushes its
hits and reads the totals back in one round trip every FLUSH_SECONDS on a thread of its own. A
replica's decision can therefore miss the others' last FLUSH_SECONDS of hits: with N replicas a caller
gets at most the limit plus (N - 1) * FLUSH_SECONDS * the rate it sends at — one process alone is exact.
Without a database (before the app starts) the counts stay in the process."""

from __future__ import annotations

import json
import math
import threading
import time
from collections import Counter as Tally
from typing import TYPE_CHECKING

import structlog
from limits import RateLimitItem, parse_many
from prometheus_client import Counter
from sqlalchemy import BigInteger, Column, Integer, MetaData, PrimaryKeyConstraint, Table, Text
from sqlalchemy.engine import Engine

from .errors import TooManyRequestsError

if TYPE_CHECKING:
    from .migrations import MigrationOps

LIMITED = Counter("rtw_rate_limited_total", "Requests refused with 429", ["who"])
FLUSH_SECONDS = 0.2
log = structlog.get_logger("rtw.ratelimit")

metadata = MetaData()
# One row per limit, caller or address, and window: the hits every replica counted in it.
rate_limit_hits = Table(
    "rate_limit_hits",
    metadata,
    Column("key", Text, nullable=False),
    Column("window_end", BigInteger, nullable=False),  # epoch seconds; the row is stale after it
    Column("hits", Integer, nullable=False),
    PrimaryKeyConstraint("key", "window_end", name="pk_rate_limit_hits"),
    prefixes=["UNLOGGED"],
)

# This replica's hits since its last flush added to the shared rows, then the shared totals of every
# window this replica is still deciding on (its own rows and those it only reads), in one statement.
FLUSH = """
WITH counted AS (
    INSERT INTO rate_limit_hits (key, window_end, hits)
    SELECT h.key, h.window_end, h.hits
    FROM json_to_recordset(%(hits)s::json) AS h (key text, window_end bigint, hits int)
    ON CONFLICT (key, window_end) DO UPDATE SET hits = rate_limit_hits.hits + excluded.hits
    RETURNING key, window_end, hits
)
SELECT key, window_end, hits FROM counted
UNION ALL
SELECT r.key, r.window_end, r.hits FROM rate_limit_hits r
JOIN json_to_recordset(%(watched)s::json) AS w (key text, window_end bigint) USING (key, window_end)
WHERE (r.key, r.window_end) NOT IN (SELECT key, window_end FROM counted)
"""
PRUNE = "DELETE FROM rate_limit_hits WHERE window_end < %(now)s"
PRUNE_EVERY_SECONDS = 60.0

Window = tuple[str, int]  # (the limit's key for a caller or address, when its window ends)


class SharedCounts:
    """Hits per window: this process's since its last flush, and every replica's as of then."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        # One flush at a time: when flush() returns, every hit counted before it is in the shared rows
        # (a flush that found nothing pending would otherwise pass one still writing).
        self._flushing = threading.Lock()
        self._unflushed: Tally[Window] = Tally()
        self._shared: dict[Window, int] = {}
        self._pruned = 0.0

    def hit(self, window: Window) -> int:
        """Count one hit in `window`; how many it has had (this one included) as far as this process knows."""
        with self._lock:
            self._unflushed[window] += 1
            return self._shared.get(window, 0) + self._unflushed[window]

    def flush(self, engine: Engine) -> None:
        """Add this process's hits to the shared rows and read every live window's total back (one round trip)."""
        with self._flushing:
            self._flush(engine)

    def _flush(self, engine: Engine) -> None:
        now = int(time.time())
        with self._lock:
            pending, self._unflushed = self._unflushed, Tally()
            self._shared = {window: hits for window, hits in self._shared.items() if window[1] >= now}
            for window, hits in pending.items():  # until the totals come back, counted as they will be
                self._shared[window] = self._shared.get(window, 0) + hits
            watched = list(self._shared)
        if not watched:
            return
        counted = [{"key": key, "window_end": end, "hits": n} for (key, end), n in pending.items()]
        params = {"hits": json.dumps(counted), "watched": json.dumps([{"key": k, "window_end": e} for k, e in watched])}
        with engine.begin() as conn:
            totals = conn.exec_driver_sql(FLUSH, params).all()
            if time.monotonic() - self._pruned > PRUNE_EVERY_SECONDS:
                conn.exec_driver_sql(PRUNE, {"now": now})
                self._pruned = time.monotonic()
        with self._lock:
            for key, end, total in totals:  # a window's total only grows: a slower flush's older answer loses
                self._shared[(key, end)] = max(total, self._shared.get((key, end), 0))


class RateLimits:
    def __init__(self, *, per_caller: str, per_address: str):
        self._per_caller = _parse(per_caller)
        self._per_address = _parse(per_address)
        self.counts = SharedCounts()
        self._stop = threading.Event()
        self._flusher: threading.Thread | None = None

    def share_through(self, engine: Engine) -> None:
        """Count with every replica on `engine`'s database from now on (the app's start-up)."""
        if not (self._per_caller or self._per_address):
            return
        self._stop = threading.Event()  # an app started again (a test client entered twice) counts again
        self._flusher = threading.Thread(target=self._flush_until_stopped, args=(engine,), daemon=True)
        self._flusher.name = "rate-limit-flush"
        self._flusher.start()

    def close(self) -> None:
        self._stop.set()
        if self._flusher is not None:
            self._flusher.join(timeout=5)

    def _flush_until_stopped(self, engine: Engine) -> None:
        while not self._stop.wait(FLUSH_SECONDS):
            try:
                self.counts.flush(engine)
            except Exception:  # the database away for a moment: count locally until it is back
                log.warning("rate-limit counts not shared this time", exc_info=True)

    def check_caller(self, subject: str) -> None:
        """Count one request of the caller `subject`; 429 when over a limit."""
        self._check(self._per_caller, "caller", subject)

    def check_address(self, address: str) -> None:
        """Count one request without a valid token from `address`; 429 when over a limit."""
        self._check(self._per_address, "address", address)

    def _check(self, items: list[RateLimitItem], who: str, key: str) -> None:
        now = time.time()
        for item in items:
            length = item.get_expiry()
            window_end = (math.floor(now / length) + 1) * length
            if self.counts.hit((item.key_for(who, key), window_end)) > item.amount:
                LIMITED.labels(who).inc()
                wait = max(1, math.ceil(window_end - now))
                raise TooManyRequestsError(
                    f"more than {item} from this {who}; try again in {wait} s",
                    headers={"Retry-After": str(wait)},
                    retry_after_seconds=wait,
                )


def _parse(limits: str) -> list[RateLimitItem]:
    return parse_many(limits) if limits.strip() else []


def create_rate_limit_table(op: MigrationOps) -> None:
    """For a service's migration: the table its replicas count rate-limited requests in."""
    metadata.create_all(op.get_bind(), tables=[rate_limit_hits])


def drop_rate_limit_table(op: MigrationOps) -> None:
    op.drop_table("rate_limit_hits")
