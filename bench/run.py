"""`make bench`: every figure of issue 11's table, each beside its baseline measured in the same run,
printed as one table (what | RTW | baseline | ratio | goal | met?) and written as JSON to
`.data/bench/<UTC timestamp>-<git short sha>.json` for comparison between commits.

Everything runs on a private copy of the system (scratch databases, private topics) beside whatever
`make up` runs; the infrastructure is started if missing. Benchmarks assert nothing: a figure that
misses its goal says "no"; a figure that could not be measured says why, and the exit code is 1.

    .venv/bin/python bench/run.py [--quick] [--only consumer,relay,…] [--json PATH]
"""

from __future__ import annotations

import argparse
import json
import os
import signal
import sys
import time
import traceback
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

# bench/ is not a package: run as a script, its modules import one another by name.
import audit_cost
import event_figures
import http_figures
import latency
import loadgen
import same_work_figures
import workspace_pages
from harness import Context, Progress, Row, Sizes, git_revision

# In the order they run: the event figures need no services, so they come before the system starts;
# growth seeds (and removes) many cases before the create load adds its own.
FIGURES: dict[str, Callable[[Context], list[Row]]] = {
    "consumer": event_figures.consumer,
    "relay": event_figures.relay,
    "growth": http_figures.growth,
    "create": http_figures.create_case,
    "status": http_figures.status_read,
    "same-work": same_work_figures.figure,
    "latency": latency.figure,
    "memory": http_figures.memory,
    "audit": audit_cost.figure,
    "workspace": workspace_pages.figure,
}
TOKEN_LIFETIME = 300  # seconds, the demo realm's access tokens (a wrk run cannot refresh them)


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--quick", action="store_true", help="small N and short runs: the smoke mode (~1 min)")
    parser.add_argument("--only", default="", help=f"comma-separated figures to run, of: {', '.join(FIGURES)}")
    parser.add_argument("--events", type=int, help="events for the consumer and rows for the relay (20000)")
    parser.add_argument("--seconds", type=float, help="length of each HTTP measurement (15)")
    parser.add_argument("--soak-seconds", type=float, help="steady load between the two RSS readings (120)")
    parser.add_argument("--generator", choices=("auto", "wrk", "httpx"), default="auto", help="load generator")
    parser.add_argument("--json", type=Path, help="also write the JSON here")
    args = parser.parse_args(argv)
    unknown = [n for n in args.only.split(",") if n and n not in FIGURES]
    if unknown:
        parser.error(f"unknown figure(s) {', '.join(unknown)}; choose from {', '.join(FIGURES)}")
    if (args.soak_seconds or 0) > TOKEN_LIFETIME - 30:
        parser.error(
            f"--soak-seconds at most {TOKEN_LIFETIME - 30} (tokens live {TOKEN_LIFETIME} s); `make load` runs longer"
        )
    return args


def run_figures(ctx: Context, names: list[str]) -> list[Row]:
    rows: list[Row] = []
    for index, name in enumerate(names, 1):
        ctx.progress.figure(index, len(names), name)
        ctx.progress.say("starting")
        try:
            rows += FIGURES[name](ctx)
        except Exception as error:  # measure the rest; the table and the exit code say this one failed
            detail = traceback.format_exc()
            (ctx.log_dir / f"{name}-error.txt").write_text(detail)
            said = f"{type(error).__name__}: {error}"
            text = f"not measured: {said}".replace("\n", " ")[:300]
            rows.append(Row(name, name, text, "—", None, "—", "—", None, {"error": said, "traceback": detail}))
    ctx.progress.clear()
    return rows


def table(rows: list[Row]) -> str:
    """The rows as one Markdown table."""
    header = ["what", "RTW", "baseline", "ratio", "goal", "met?"]
    cells = [
        [r.what, r.rtw, r.baseline, r.ratio_text, r.goal, {True: "yes", False: "NO", None: "—"}[r.met]] for r in rows
    ]
    widths = [max(len(line[i]) for line in [header, *cells]) for i in range(len(header))]

    def line(values: list[str]) -> str:
        return "| " + " | ".join(v.ljust(w) for v, w in zip(values, widths, strict=True)) + " |"

    return "\n".join([line(header), line(["-" * w for w in widths]), *(line(c) for c in cells)])


def stop_on_sigterm() -> None:
    """SIGTERM (a timeout, `kill`) ends the run through `finally`, so the private system is stopped too."""
    signal.signal(signal.SIGTERM, lambda signum, frame: sys.exit(128 + signum))


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    stop_on_sigterm()
    names = [n for n in FIGURES if not args.only or n in args.only.split(",")]
    sizes = Sizes.of(quick=args.quick, events=args.events, soak_seconds=args.soak_seconds, seconds=args.seconds)
    started, began = datetime.now(UTC), time.monotonic()
    sha, dirty = git_revision()
    generator = loadgen.describe_generator(args.generator)
    ctx = Context(sizes, Progress(), generator=args.generator)
    measured_all = False
    try:
        rows = run_figures(ctx, names)
        measured_all = not any("error" in r.values for r in rows)
    finally:
        ctx.progress.say("cleaning up (system, scratch databases, topics)")
        ctx.close(keep_logs=not measured_all)  # the servers' logs of a run that went wrong stay to be read
        ctx.progress.clear()
    seconds = time.monotonic() - began
    report = {
        "started_at": started.isoformat(timespec="seconds"),
        "git_sha": sha,
        "git_dirty": dirty,
        "quick": args.quick,
        "figures": names,
        "generator": generator,
        "cpus": os.cpu_count(),
        "seconds": round(seconds, 1),
        "sizes": vars(sizes),
        "rows": [r.as_dict() for r in rows],
    }
    stamp = started.strftime("%Y%m%dT%H%M%SZ")
    saved = ctx.settings.data_dir / "bench" / f"{stamp}-{sha}{'-quick' if args.quick else ''}.json"
    for path in [saved, *([args.json] if args.json else [])]:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps(report, indent=2, default=str) + "\n")
    dirty_note = " (with uncommitted changes)" if dirty else ""
    print(
        f"\nmake bench{' --quick' if args.quick else ''}: {sha}{dirty_note}, {started:%Y-%m-%d %H:%M} UTC, "
        f"{os.cpu_count()} CPUs, load by {generator}, took {seconds / 60:.1f} min"
    )
    print(table(rows))
    print(f"JSON: {saved}" + (f" and {args.json}" if args.json else ""))
    failed = [r.figure for r in rows if "error" in r.values]
    if failed:
        print(f"not measured: {', '.join(failed)} (tracebacks in {ctx.log_dir})")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
