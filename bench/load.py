"""`make load`: Locust, headless, at a constant arrival rate, against a private copy of the system
(scratch databases and topics; loopback only), with the three roles' mix of real calls
(bench/locustfile.py). Bounded in time (--minutes) and in count (--max-requests). Prints throughput,
p50/p95/p99, errors, and each API's RSS growth; writes the same as JSON to `.data/load/`.
Asserts nothing.

    .venv/bin/python bench/load.py [--rate 200] [--minutes 10]      (make load LOAD_ARGS="--rate 50 --minutes 1")
"""

from __future__ import annotations

import argparse
import csv
import json
import math
import os
import subprocess
import sys
import time
from datetime import UTC, datetime
from pathlib import Path

from harness import BENCH_DIR, Context, Progress, Sizes, git_revision, rss_bytes

USER_RATE = 5.0  # calls per second per simulated user


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rate", type=float, default=200, help="requests per second offered (200)")
    parser.add_argument("--minutes", type=float, default=10, help="how long (10)")
    parser.add_argument("--max-requests", type=int, help="stop after this many requests (rate x time x 1.1)")
    parser.add_argument(
        "--warmup-seconds", type=float, help="load before the first RSS reading (10%% of the run, ≤ 30 s)"
    )
    return parser.parse_args(argv)


def locust_argv(users: int, seconds: int, csv_prefix: Path, host: str) -> list[str]:
    return [
        sys.executable,
        "-m",
        "locust",
        "-f",
        str(BENCH_DIR / "locustfile.py"),
        "--headless",
        "--users",
        str(users),
        "--spawn-rate",
        str(users),  # all at once: the offered rate is constant from the first second
        "--run-time",
        f"{seconds}s",
        "--host",
        host,
        "--csv",
        str(csv_prefix),
        "--only-summary",
        "--stop-timeout",
        "10",
        "--loglevel",
        "WARNING",
    ]


def read_stats(csv_prefix: Path) -> list[dict]:
    with open(f"{csv_prefix}_stats.csv", newline="") as stats:
        return list(csv.DictReader(stats))


def summary(rows: list[dict], rate: float, seconds: float) -> dict:
    total = next(r for r in rows if r["Name"] == "Aggregated")
    requests, failures = int(total["Request Count"]), int(total["Failure Count"])
    return {
        "offered_rps": rate,
        "achieved_rps": round(requests / seconds, 1) if seconds else 0.0,
        "requests": requests,
        "errors": failures,
        "error_share": round(failures / requests, 5) if requests else 0.0,
        "p50_ms": float(total["50%"]),
        "p95_ms": float(total["95%"]),
        "p99_ms": float(total["99%"]),
        "by_call": {
            r["Name"]: {
                "requests": int(r["Request Count"]),
                "errors": int(r["Failure Count"]),
                "p99_ms": float(r["99%"]),
            }
            for r in rows
            if r["Name"] != "Aggregated"
        },
    }


def run(ctx: Context, args: argparse.Namespace) -> dict:
    system = ctx.system()
    seconds = max(10, round(args.minutes * 60))
    users = max(1, math.ceil(args.rate / USER_RATE))
    warmup = args.warmup_seconds if args.warmup_seconds is not None else min(30.0, seconds / 10)
    csv_prefix = ctx.log_dir / "locust"
    env = {
        "RTW_LOAD_INTAKE_URL": system.url("intake"),
        "RTW_LOAD_EMPLOYER_URL": system.url("employer"),
        "RTW_LOAD_KEYCLOAK_URL": ctx.infra.keycloak_url,
        "RTW_LOAD_REALM": ctx.infra.keycloak_realm,
        "RTW_LOAD_USER_RATE": str(args.rate / users),
        "RTW_LOAD_MAX_REQUESTS": str(args.max_requests or math.ceil(args.rate * seconds * 1.1)),
    }
    pids = {name: service.processes["api"].pid for name, service in system.services.items()}
    ctx.progress.say(f"locust: {users} users, {args.rate:g} req/s offered, {seconds} s")
    began = time.monotonic()
    with open(ctx.log_dir / "locust.log", "wb") as log:
        locust = subprocess.Popen(
            locust_argv(users, seconds, csv_prefix, system.url("intake")),
            env={**os.environ, **env},
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        before = _after_warmup(ctx, locust, warmup, pids)
        while locust.poll() is None:
            ctx.progress.say(f"locust running: {time.monotonic() - began:.0f} of {seconds} s")
            time.sleep(min(5.0, max(0.5, seconds / 100)))
        after = {name: rss_bytes(pid) for name, pid in pids.items()}
    elapsed = time.monotonic() - began
    if not Path(f"{csv_prefix}_stats.csv").exists():
        raise SystemExit(f"locust wrote no statistics (exit {locust.returncode}); see {ctx.log_dir / 'locust.log'}")
    result = summary(read_stats(csv_prefix), args.rate, min(elapsed, seconds))
    result.update(users=users, seconds=seconds, rss_before=before, rss_after=after)
    return result


def _after_warmup(ctx: Context, locust: subprocess.Popen, warmup: float, pids: dict[str, int]) -> dict[str, int]:
    deadline = time.monotonic() + warmup
    while time.monotonic() < deadline and locust.poll() is None:
        ctx.progress.say(f"locust warming up ({deadline - time.monotonic():.0f} s before the first RSS reading)")
        time.sleep(0.5)
    return {name: rss_bytes(pid) for name, pid in pids.items()}


def report(result: dict) -> str:
    lines = [
        f"offered {result['offered_rps']:g} req/s by {result['users']} users for {result['seconds']} s; "
        f"achieved {result['achieved_rps']:g} req/s, {result['requests']:,} requests",
        f"latency p50 {result['p50_ms']:g} ms, p95 {result['p95_ms']:g} ms, p99 {result['p99_ms']:g} ms",
        f"errors: {result['errors']:,} ({result['error_share']:.2%})",
        "per call:",
    ]
    lines += [
        f"  {name:<30} {c['requests']:>8,} req  {c['errors']:>6,} errors  p99 {c['p99_ms']:g} ms"
        for name, c in result["by_call"].items()
    ]
    lines.append("RSS after warm-up -> at the end:")
    for name, before in result["rss_before"].items():
        after = result["rss_after"][name]
        lines.append(f"  {name:<9} {before / 2**20:7.1f} MB -> {after / 2**20:7.1f} MB  ({(after / before - 1):+.1%})")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    started = datetime.now(UTC)
    sha, dirty = git_revision()
    ctx = Context(Sizes.of(quick=False, events=None, soak_seconds=None, seconds=None), Progress())
    try:
        result = run(ctx, args)
    finally:
        ctx.progress.say("cleaning up (system, scratch databases, topics)")
        ctx.close()
        ctx.progress.clear()
    result.update(started_at=started.isoformat(timespec="seconds"), git_sha=sha, git_dirty=dirty)
    saved = ctx.settings.data_dir / "load" / f"{started:%Y%m%dT%H%M%SZ}-{sha}.json"
    saved.parent.mkdir(parents=True, exist_ok=True)
    saved.write_text(json.dumps(result, indent=2) + "\n")
    print(f"\nmake load: {sha}{' (with uncommitted changes)' if dirty else ''}, {started:%Y-%m-%d %H:%M} UTC")
    print(report(result))
    print(f"JSON: {saved}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
