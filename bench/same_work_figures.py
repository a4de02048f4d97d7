"""Intake's create and insurer-status read beside the same-work baseline (bench/same_work_app.py: the
same token check and rows, by hand, in one pipelined transaction) at 1 and 2 API processes, with the
CPU each spends per request (bench/cpu.py: what a shared machine does not distort) and the scaling
factor 1 -> 2.

Both run on the private system's intake database and the same server argv (`uvicorn --workers N`);
intake's 2-process server is started beside the system's own, with the system's environment."""

from __future__ import annotations

import json
import os
from pathlib import Path

import httpx
import loadgen
from cpu import CpuMeter
from harness import BENCH_DIR, Context, Row, at_least, times
from http_figures import CASE_BODY, JSON, bearer
from loadgen import Request, Target

from rtw_devstack.journey import new_case
from rtw_devstack.procs import wait_until
from rtw_devstack.services import SERVICE_DEFS, api_argv, api_ready
from rtw_devstack.system import free_port
from rtw_shared.metrics import MULTIPROCESS_DIR
from rtw_shared.testing import app_url

PROCESSES = (1, 2)
STARTED = "Application startup complete."  # what each uvicorn process logs once it serves
CONCURRENCY = 16
GOAL_THROUGHPUT, GOAL_P99 = 0.7, 2.0


def figure(ctx: Context) -> list[Row]:
    """Per operation and process count: intake against the same work, then intake's scaling 1 -> 2."""
    tokens = ctx.tokens()
    results: dict[tuple[str, str, int], dict] = {}
    for processes in PROCESSES:
        servers = {"intake": _intake_server(ctx, processes), "same work": _same_work_server(ctx, processes)}
        for who, (url, pid) in servers.items():
            case_id = _one_case(url, tokens)
            tara = {**JSON, **bearer(tokens, "tara")}
            operations = {
                "create": Request("POST", "/v1/cases", tara, CASE_BODY),
                "status": Request("GET", f"/v1/cases/{case_id}/status", bearer(tokens, "ivy")),
            }
            for operation, request in operations.items():
                results[(who, operation, processes)] = _measure(
                    ctx, f"{who} {operation} x{processes}", url, request, pid
                )
    return _rows(results)


def _rows(results: dict[tuple[str, str, int], dict]) -> list[Row]:
    rows = []
    for operation in ("create", "status"):
        for processes in PROCESSES:
            rtw, same = results[("intake", operation, processes)], results[("same work", operation, processes)]
            ratio = rtw["rps"] / same["rps"] if same["rps"] else 0.0
            p99 = rtw["p99_ms"] / same["p99_ms"] if same["p99_ms"] else 0.0
            values = {"rtw": rtw, "same_work": same}
            what = f"{operation} vs same work, {processes} process{'es' if processes > 1 else ''}"
            rows.append(
                Row("same-work", f"{what} (throughput)", _text(rtw), _text(same), ratio, times(ratio),
                    f"≥ {GOAL_THROUGHPUT:.2f}x", at_least(ratio, GOAL_THROUGHPUT), values)
            )  # fmt: skip
            rows.append(
                Row("same-work", f"{what} (p99)", f"p99 {rtw['p99_ms']:.1f} ms", f"p99 {same['p99_ms']:.1f} ms",
                    p99, times(p99), f"≤ {GOAL_P99:.2f}x", p99 <= GOAL_P99, values)
            )  # fmt: skip
        one, two = results[("intake", operation, 1)], results[("intake", operation, 2)]
        scaling = two["rps"] / one["rps"] if one["rps"] else 0.0
        rows.append(
            Row("same-work", f"{operation}: intake 1 -> 2 processes", _text(two), _text(one), scaling,
                times(scaling), "", None, {"one": one, "two": two})
        )  # fmt: skip
    return rows


def _text(result: dict) -> str:
    return (
        f"{result['rps']:,.0f} req/s, p99 {result['p99_ms']:.0f} ms, "
        f"CPU {result['cpu_ms_api']:.2f} + {result['cpu_ms_postgres']:.2f} ms/req"
    )


def _measure(ctx: Context, label: str, url: str, request: Request, pid: int) -> dict:
    ctx.settle()
    ctx.progress.say(f"{label}: warming up")
    target = Target(url, [request], CONCURRENCY)
    if ctx.sizes.warmup:  # none in the smoke mode
        loadgen.run_one(target, ctx.sizes.warmup, ctx.generator)
    meter = CpuMeter([pid], ctx.infra.pg_dsn(), [_intake_database(ctx)])
    meter.start()
    ctx.progress.say(f"{label}: {ctx.sizes.seconds:.0f} s, {CONCURRENCY} connections")
    result = loadgen.run_one(target, ctx.sizes.seconds, ctx.generator)
    api_ms, postgres_ms = meter.stop().per_request_ms(result.requests)
    return {**result.as_dict(), "cpu_ms_api": round(api_ms, 3), "cpu_ms_postgres": round(postgres_ms, 3)}


def _intake_database(ctx: Context) -> str:
    return ctx.owner_urls["intake"].rsplit("/", 1)[1].split("?", 1)[0]


def _intake_server(ctx: Context, processes: int) -> tuple[str, int]:
    """The system's intake API (1 process), or one of `processes` started beside it on its database."""
    service = ctx.system().services["intake"]
    if processes == 1:
        return service.url, service.processes["api"].pid
    port = free_port()
    metrics = ctx.log_dir / f"metrics-intake-{processes}"
    metrics.mkdir(exist_ok=True)
    argv = api_argv(service.defn, port, workers=processes)
    log_name = f"intake-x{processes}.log"
    process = ctx.spawn(argv, env={**service.env, MULTIPROCESS_DIR: str(metrics)}, log_name=log_name)
    return _ready(port, process.pid, f"intake x{processes}", ctx.log_dir / log_name, processes)


def _same_work_server(ctx: Context, processes: int) -> tuple[str, int]:
    """bench/same_work_app.py under intake's server argv with `processes` workers, on intake's database."""
    intake = next(d for d in SERVICE_DEFS if d.name == "intake")
    port = free_port()
    argv = api_argv(intake, port, workers=processes)
    argv[argv.index(f"{intake.package}.app:create_app")] = "same_work_app:create_app"
    env = {
        "PYTHONPATH": os.pathsep.join(p for p in (str(BENCH_DIR), os.environ.get("PYTHONPATH")) if p),
        "SAME_WORK_DATABASE_URL": app_url(ctx.owner_urls["intake"]),
        "SAME_WORK_POOL_SIZE": "10",
        "SAME_WORK_KEYCLOAK_URL": ctx.infra.keycloak_url,
        "SAME_WORK_KEYCLOAK_ISSUER": ctx.infra.keycloak_issuer,
        "SAME_WORK_TOPIC_PREFIX": ctx.system().topic_prefix,
    }
    log_name = f"same-work-x{processes}.log"
    process = ctx.spawn(argv, env=env, log_name=log_name)
    return _ready(port, process.pid, f"same-work app x{processes}", ctx.log_dir / log_name, processes)


def _ready(port: int, pid: int, what: str, log: Path, processes: int) -> tuple[str, int]:
    """When every one of the server's `processes` has started: the port answers as soon as the first
    has, and one still starting would spend its start-up inside the measurement."""

    def all_started() -> bool:
        started = log.read_text(errors="replace").count(STARTED) if log.exists() else 0
        return started >= processes and api_ready("127.0.0.1", port)

    if not wait_until(all_started, 120, interval=0.3):
        raise RuntimeError(f"the {what} did not become ready (see {log})")
    return f"http://127.0.0.1:{port}", pid


def _one_case(url: str, tokens) -> str:
    body = json.dumps(new_case()).encode()
    response = httpx.post(url + "/v1/cases", content=body, headers={**JSON, **bearer(tokens, "tara")}, timeout=30)
    response.raise_for_status()
    return str(response.json()["id"])
