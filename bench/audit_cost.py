"""What one audit row costs on the request path, the old way beside the new, in the same run on
the same PostgreSQL (`make bench` takes its row from `figure`; prints figures, asserts nothing).

- per request: each request appends its own row in its own transaction under the chain's advisory
  lock (intake's design before the audit moved to rtw_shared: lock, last hash, next id, insert, commit);
- batched: the request hands its row to the AuditWriter and waits for it; the writer links whatever
  arrived meanwhile in one transaction under one lock (rtw_shared.audit.writer).

    .venv/bin/python bench/audit_cost.py [--requests 4000] [--concurrency 16]
"""

from __future__ import annotations

import argparse
import statistics
import time
import uuid
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime

import psycopg
from sqlalchemy import create_engine

from rtw_devstack import stack
from rtw_devstack.config import StackSettings
from rtw_shared.audit import repository
from rtw_shared.audit.tables import metadata
from rtw_shared.audit.writer import AuditWriter


def row() -> dict:
    return {
        "at": datetime.now(UTC),
        "subject": "bench",
        "username": "bench",
        "role": "insurer",
        "org_id": "northwind",
        "action": "get_case_status",
        "method": "GET",
        "path": f"/v1/cases/{uuid.uuid4()}/status",
        "resource_type": "case",
        "resource_id": str(uuid.uuid4()),
        "outcome": "allowed",
        "status_code": 200,
        "case_ids": [str(uuid.uuid4())],
        "correlation_id": "bench",
    }


def measure(append, requests: int, concurrency: int) -> tuple[float, list[float]]:
    """Rows per second and each row's wait in ms, `concurrency` callers appending `requests` rows."""

    def one(_: int) -> float:
        started = time.perf_counter()
        append(row())
        return (time.perf_counter() - started) * 1000

    started = time.perf_counter()
    with ThreadPoolExecutor(concurrency) as pool:
        waits = list(pool.map(one, range(requests)))
    return requests / (time.perf_counter() - started), waits


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--requests", type=int, default=4000)
    parser.add_argument("--concurrency", type=int, default=16)
    args = parser.parse_args()
    settings = StackSettings()
    stack.ensure(settings, ["postgres"])
    admin = f"postgresql://{settings.pg_user}:{settings.pg_password}@{settings.host}:{settings.pg_port}/postgres"
    name = f"bench_audit_{uuid.uuid4().hex[:8]}"
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    engine = create_engine(
        admin.rsplit("/", 1)[0].replace("postgresql://", "postgresql+psycopg://") + f"/{name}",
        pool_size=args.concurrency,
        max_overflow=0,
    )
    try:
        metadata.create_all(engine)
        report(engine, args.requests, args.concurrency)
    finally:
        engine.dispose()
        with psycopg.connect(admin, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def both_designs(engine, requests: int, concurrency: int) -> dict[str, tuple[float, list[float]]]:
    """(rows/s, waits in ms) of the per-request design, then of the batched AuditWriter."""

    def per_request(content: dict) -> None:
        with engine.begin() as conn:
            repository.append_batch(conn, [content])

    writer = AuditWriter(engine)
    results = {
        "per request (lock + tx each)": measure(per_request, requests, concurrency),
        "batched (AuditWriter)": measure(lambda c: writer.write(c).result(), requests, concurrency),
    }
    writer.close()
    return results


def figure(ctx) -> list:
    """The batched audit append beside the per-request design, as one row of `make bench`'s table."""
    from harness import Row, percentile, times

    requests, concurrency = ctx.sizes.audit_rows, 16
    dsn = ctx.empty_database("audit")
    engine = create_engine(dsn.replace("postgresql://", "postgresql+psycopg://"), pool_size=concurrency, max_overflow=0)
    try:
        metadata.create_all(engine)
        ctx.settle()
        ctx.progress.say(f"audit append, {requests} rows, both designs")
        (old_rate, old_waits), (new_rate, new_waits) = both_designs(engine, requests, concurrency).values()
    finally:
        engine.dispose()
    ratio = new_rate / old_rate
    return [
        Row(
            "audit",
            f"audit append, {concurrency} concurrent ({requests:,} rows)",
            f"batched {new_rate:,.0f} rows/s, wait p99 {percentile(new_waits, 99):.1f} ms",
            f"per request {old_rate:,.0f} rows/s, wait p99 {percentile(old_waits, 99):.1f} ms",
            ratio,
            times(ratio),
            "— (design check)",
            None,
            {"batched_rows_per_s": round(new_rate, 1), "per_request_rows_per_s": round(old_rate, 1)},
        )
    ]


def report(engine, requests: int, concurrency: int) -> None:
    results = both_designs(engine, requests, concurrency)
    print(f"audit append, {requests} rows, {concurrency} concurrent callers")
    for label, (rate, waits) in results.items():
        ordered = sorted(waits)
        print(
            f"  {label:<30} {rate:8.0f} rows/s  wait p50 {statistics.median(waits):6.2f} ms  "
            f"p99 {ordered[int(0.99 * (len(ordered) - 1))]:6.2f} ms  {1000 / rate:5.2f} ms of wall time per row"
        )


if __name__ == "__main__":
    main()
