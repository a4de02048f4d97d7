"""CPU time per request: what a busy machine does not distort.

Throughput and p99 measured on two cores shared with other work move with that work; the CPU seconds
a server process spends per request barely do. Every HTTP figure of `make bench` therefore also reads
the CPU time (user + system, all threads, from `/proc/<pid>/stat`) of the server's processes and of the
PostgreSQL backends serving its database, before and after the load, and divides by the requests.

    meter = CpuMeter(server_pids, pg_dsn, database)
    meter.start(); …load…; used = meter.stop()   # CpuUsed(server_s, postgres_s)
"""

from __future__ import annotations

import os
from dataclasses import dataclass

import psycopg

TICKS = os.sysconf("SC_CLK_TCK")


def descendants(pid: int) -> list[int]:
    """`pid` and every process beneath it (uvicorn's workers, a supervisor's children)."""
    found, pending = [], [pid]
    while pending:
        current = pending.pop()
        found.append(current)
        try:
            for task in os.listdir(f"/proc/{current}/task"):
                with open(f"/proc/{current}/task/{task}/children") as children:
                    pending += [int(child) for child in children.read().split()]
        except (FileNotFoundError, ProcessLookupError):
            continue
    return found


def cpu_seconds(pid: int) -> float:
    """User + system CPU seconds of `pid` (all its threads); 0 when it is gone."""
    try:
        with open(f"/proc/{pid}/stat") as stat:
            fields = stat.read().rsplit(")", 1)[1].split()
    except (FileNotFoundError, ProcessLookupError):
        return 0.0
    return (int(fields[11]) + int(fields[12])) / TICKS  # utime, stime (fields 14 and 15 of stat)


def backend_pids(dsn: str, databases: list[str]) -> list[int]:
    """The PostgreSQL backends connected to `databases` right now (excluding the asking one)."""
    with psycopg.connect(dsn, autocommit=True) as conn:
        rows = conn.execute(
            "SELECT pid FROM pg_stat_activity WHERE datname = ANY(%s) AND pid <> pg_backend_pid()", (databases,)
        ).fetchall()
    return [pid for (pid,) in rows]


@dataclass
class CpuUsed:
    server_s: float
    postgres_s: float

    def per_request_ms(self, requests: int) -> tuple[float, float]:
        """(server, PostgreSQL) CPU milliseconds per request."""
        if not requests:
            return 0.0, 0.0
        return self.server_s * 1000 / requests, self.postgres_s * 1000 / requests


class CpuMeter:
    """CPU spent between start() and stop() by the server processes (and their children) and by the
    PostgreSQL backends of its databases (those alive at the end; a backend that came and went
    meanwhile is missed, which the pools' steady connections make rare)."""

    def __init__(self, server_pids: list[int], pg_dsn: str | None = None, databases: list[str] | None = None):
        self.server_pids = server_pids
        self.pg_dsn, self.databases = pg_dsn, databases or []
        self._before: dict[int, float] = {}
        self._pg_before: dict[int, float] = {}

    def _servers(self) -> dict[int, float]:
        return {pid: cpu_seconds(pid) for root in self.server_pids for pid in descendants(root)}

    def _backends(self) -> dict[int, float]:
        if not self.pg_dsn or not self.databases:
            return {}
        return {pid: cpu_seconds(pid) for pid in backend_pids(self.pg_dsn, self.databases)}

    def start(self) -> None:
        self._before, self._pg_before = self._servers(), self._backends()

    def stop(self) -> CpuUsed:
        after, pg_after = self._servers(), self._backends()
        server = sum(max(0.0, cpu - self._before.get(pid, 0.0)) for pid, cpu in after.items())
        postgres = sum(max(0.0, cpu - self._pg_before.get(pid, 0.0)) for pid, cpu in pg_after.items())
        return CpuUsed(server, postgres)
