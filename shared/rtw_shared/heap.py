"""How a service process's garbage collector runs once the process has started.

A started API holds some 160,000 long-lived objects (modules, the app's routes and models,
SQLAlchemy's tables, Pydantic's validators), and CPython's collector walks all of them on each full
collection: a pause of tens of milliseconds in the middle of some request, several times a minute
under load. Measured on intake (make bench's same-work figure; docs/operations.md): a create cost
2.35 ms of API CPU with a p99 of ~280 ms, and 1.75 ms with a p99 of ~120 ms after this; the insurer's
status p99 went from ~110 ms to ~25 ms.

So, once start-up is done: collect what start-up left, move every surviving object out of the
collector's generations for good (`gc.freeze`: they are still freed by reference counting, only no
longer walked), and collect the young generation less often (a request makes thousands of short-lived
containers, nearly all freed by reference counting, so most young collections find nothing)."""

from __future__ import annotations

import gc
from functools import cache

# (young, middle, old): CPython's defaults are (700, 10, 10).
THRESHOLDS = (20_000, 50, 50)


@cache  # once per process: a test process starts many apps, and a second freeze would keep its garbage
def settle_after_start() -> None:
    """Freeze what start-up built and space the collections out, when the process is ready to serve."""
    gc.collect()
    gc.freeze()
    gc.set_threshold(*THRESHOLDS)
