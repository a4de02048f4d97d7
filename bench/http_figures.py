"""The HTTP figures of `make bench`: intake's create and status beside the bare app, list and status at
a small and a large number of cases, and each API's memory across a steady load."""

from __future__ import annotations

import contextlib
import json
import os
import time

import httpx
import loadgen
import psycopg
from bare_app import TABLE as BARE_TABLE
from harness import BENCH_DIR, Context, Row, at_least, percentile, rss_bytes, times
from loadgen import UNIQUE, Request, Target

from rtw_devstack.journey import new_case
from rtw_devstack.procs import wait_until
from rtw_devstack.services import SERVICE_DEFS, api_argv, api_ready
from rtw_devstack.system import free_port
from rtw_intake.settings import IntakeSettings

CONCURRENCY = 16
# A claim number of its own for every case the load opens (intake registers an insurer's claim once).
CASE_BODY = json.dumps(new_case(f"BENCH-{UNIQUE}")).encode()
JSON = {"Content-Type": "application/json"}


def bearer(tokens, user: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {tokens.user(user)}"}


# --- the bare app ----------------------------------------------------------------------------------
class BareApp:
    """bench/bare_app.py under the intake API's own server argv (same server, same worker count)."""

    def __init__(self, ctx: Context):
        self.ctx = ctx
        self.url = ""

    def start(self) -> str:
        if self.url:
            return self.url
        ctx = self.ctx
        ctx.progress.say("starting the bare FastAPI + SQLAlchemy app")
        dsn = ctx.empty_database("bare")
        with psycopg.connect(dsn, autocommit=True) as conn:
            conn.execute(BARE_TABLE)
        intake = next(d for d in SERVICE_DEFS if d.name == "intake")
        port = free_port()
        argv = api_argv(intake, port)
        app = f"{intake.package}.app:create_app"
        if app not in argv:
            raise RuntimeError(f"cannot find {app} in the intake API's argv {argv}: update bench/http_figures.py")
        argv[argv.index(app)] = "bare_app:create_app"
        env = {
            "PYTHONPATH": os.pathsep.join(p for p in (str(BENCH_DIR), os.environ.get("PYTHONPATH")) if p),
            "BARE_DATABASE_URL": dsn.replace("postgresql://", "postgresql+psycopg://"),
            "BARE_POOL_SIZE": str(IntakeSettings().db_pool_size),
        }
        process = ctx.spawn(argv, env=env, log_name="bare-app.log")
        if not wait_until(lambda: api_ready("127.0.0.1", port), 60, interval=0.2):
            raise RuntimeError(f"the bare app did not become ready (exit {process.poll()}); see {ctx.log_dir}")
        self.url = f"http://127.0.0.1:{port}"
        return self.url


def bare_app(ctx: Context) -> str:
    """The run's bare app (started on first use); its URL."""
    return ctx.cache.setdefault("bare_app", BareApp(ctx)).start()


def measure(ctx: Context, label: str, target: Target) -> loadgen.Result:
    """Settle, warm up, then measure one closed-loop load."""
    ctx.settle()
    ctx.progress.say(f"{label}: warming up")
    if ctx.sizes.warmup:  # none in the smoke mode
        loadgen.run_one(target, ctx.sizes.warmup, ctx.generator)
    ctx.progress.say(f"{label}: {ctx.sizes.seconds:.0f} s, {target.connections} connections")
    return loadgen.run_one(target, ctx.sizes.seconds, ctx.generator)


def _load_text(result: loadgen.Result) -> str:
    errors = f", {result.errors} errors" if result.errors else ""
    return f"{result.rps:,.0f} req/s, p99 {result.p99_ms:.0f} ms{errors}"


# --- create case ------------------------------------------------------------------------------------
def create_case(ctx: Context) -> list[Row]:
    """RTW intake `POST /v1/cases` (tara) beside the bare app's one INSERT, 16 concurrent."""
    system, tokens = ctx.system(), ctx.tokens()
    post = Request("POST", "/v1/cases", {**JSON, **bearer(tokens, "tara")}, CASE_BODY)
    rtw = measure(ctx, "RTW create case", Target(system.url("intake"), [post], CONCURRENCY))
    bare = measure(ctx, "bare create case", Target(bare_app(ctx), [post], CONCURRENCY))
    throughput = rtw.rps / bare.rps if bare.rps else 0.0
    p99 = rtw.p99_ms / bare.p99_ms if bare.p99_ms else 0.0
    values = {"rtw": rtw.as_dict(), "bare": bare.as_dict()}
    what = f"create case, {CONCURRENCY} concurrent"
    return [
        Row(
            "create",
            f"{what} (throughput)",
            _load_text(rtw),
            _load_text(bare),
            throughput,
            times(throughput),
            "≥ 0.70x",
            at_least(throughput, 0.7),
            values,
        ),
        Row(
            "create",
            f"{what} (p99)",
            f"p99 {rtw.p99_ms:.1f} ms",
            f"p99 {bare.p99_ms:.1f} ms",
            p99,
            times(p99),
            "≤ 2.00x",
            p99 <= 2.0,
            values,
        ),
    ]


# --- insurer status ------------------------------------------------------------------------------------
def status_read(ctx: Context) -> list[Row]:
    """RTW `GET /v1/cases/{id}/status` (ivy) beside the bare app's one SELECT by id, 16 concurrent."""
    system, tokens = ctx.system(), ctx.tokens()
    case_id = _create_case(system.url("intake"), tokens)
    bare_url = bare_app(ctx)
    bare_id = httpx.post(bare_url + "/v1/cases", content=_one_case(), headers=JSON, timeout=30).json()["id"]
    ivy = bearer(tokens, "ivy")
    rtw = measure(ctx, "RTW status", Target(system.url("intake"), [Request("GET", f"/v1/cases/{case_id}/status", ivy)]))
    bare = measure(ctx, "bare status", Target(bare_url, [Request("GET", f"/v1/cases/{bare_id}/status", ivy)]))
    ratio = rtw.rps / bare.rps if bare.rps else 0.0
    values = {"rtw": rtw.as_dict(), "bare": bare.as_dict()}
    return [
        Row(
            "status",
            f"insurer status read, {CONCURRENCY} concurrent",
            _load_text(rtw),
            _load_text(bare),
            ratio,
            times(ratio),
            "≥ 0.80x",
            at_least(ratio, 0.8),
            values,
        ),
    ]


def _one_case() -> bytes:
    return json.dumps(new_case()).encode()


def _create_case(intake_url: str, tokens) -> str:
    response = httpx.post(
        intake_url + "/v1/cases", content=_one_case(), headers={**JSON, **bearer(tokens, "tara")}, timeout=30
    )
    response.raise_for_status()
    return response.json()["id"]


# --- list and status at many cases --------------------------------------------------------------------
SEEDED = "SEED-"


class Seeder:
    """Copies one real case (made through the API) into many, with SQL in the intake database: fast, and
    every column a real case has — whatever columns the table has today."""

    def __init__(self, owner_url: str, template_id: str):
        self.dsn = owner_url.replace("postgresql+psycopg://", "postgresql://")
        self.template_id = template_id
        self.seeded = 0

    # Half the cases are northwind's (the insurer who lists), in either clinic: SQL per column, over `g`.
    SPREAD = {
        "clinic_org_id": "CASE WHEN mod(g, 2) = 0 THEN 'clinic-north' ELSE 'clinic-south' END",
        "employer_org_id": "CASE WHEN mod(g, 3) = 0 THEN 'acme' ELSE 'globex' END",
        "insurer_org_id": "CASE WHEN mod(g, 2) = 0 THEN 'northwind' ELSE 'contoso' END",
    }
    STATUS = ("published", "requested")  # each copy's case_status: plan, accommodation

    def grow_to(self, total: int) -> int:
        """Add seeded cases (each with its status row) until `_count` is `total`; the count."""
        with psycopg.connect(self.dsn, autocommit=True) as conn:
            have = self._count(conn)
            if total > have:
                conn.execute(self._insert(conn), (self.seeded + 1, self.seeded + total - have, self.template_id))
                self.seeded += total - have
                settle_tables(conn)
            return self._count(conn)

    def _count(self, conn) -> int:
        """The cases the figure counts: all of intake's."""
        return int(conn.execute("SELECT count(*) FROM cases").fetchone()[0])

    def _insert(self, conn) -> str:
        columns = [
            c
            for (c,) in conn.execute(
                "SELECT column_name FROM information_schema.columns "
                "WHERE table_schema = 'public' AND table_name = 'cases' ORDER BY ordinal_position"
            )
        ]
        # Spread over the past for the list's order.
        overrides = {
            "id": "gen_random_uuid()",
            "reference": f"'{SEEDED}' || g",
            **self.SPREAD,
            "created_at": "now() - make_interval(secs => g)",
            "updated_at": "now() - make_interval(secs => g)",
            "changed_at": "now() - make_interval(secs => g)",
        }
        names = ", ".join(f'"{c}"' for c in columns)
        select = ", ".join(overrides.get(c, f't."{c}"') for c in columns)
        plan_status, accommodation_status = self.STATUS
        return (
            f"WITH seeded AS (INSERT INTO cases ({names}) SELECT {select} "
            "FROM cases t, generate_series(%s::int, %s::int) g WHERE t.id = %s RETURNING id) "
            "INSERT INTO case_status (case_id, plan_status, accommodation_status) "
            f"SELECT id, '{plan_status}', '{accommodation_status}' FROM seeded"
        )

    def some_northwind_cases(self, n: int) -> list[str]:
        with psycopg.connect(self.dsn) as conn:
            rows = conn.execute(
                "SELECT id FROM cases WHERE reference LIKE %s AND insurer_org_id = 'northwind' "
                "ORDER BY random() LIMIT %s",
                (SEEDED + "%", n),
            ).fetchall()
        return [str(r[0]) for r in rows]

    def remove(self) -> None:
        """Take the seeded cases out again, so later figures see the table as it was."""
        with psycopg.connect(self.dsn, autocommit=True) as conn:
            conn.execute(
                "DELETE FROM case_status WHERE case_id IN (SELECT id FROM cases WHERE reference LIKE %s)",
                (SEEDED + "%",),
            )
            conn.execute("DELETE FROM cases WHERE reference LIKE %s", (SEEDED + "%",))
            settle_tables(conn)


def settle_tables(conn: psycopg.Connection) -> None:
    """Leave the tables as a steady system has them: vacuumed (hint bits, visibility map), analysed,
    and the seeding's writes checkpointed, so no background work after the seeding lands in a figure."""
    conn.execute("VACUUM ANALYZE cases, case_status")
    # Without superuser rights the checkpointer does it in its own time.
    with contextlib.suppress(psycopg.errors.InsufficientPrivilege):
        conn.execute("CHECKPOINT")


def _sequential_ms(url: str, paths: list[str], headers: dict, n: int) -> tuple[list[float], int]:
    """One client, one request at a time (nothing else competing): each request's time, and the errors."""
    samples, errors = [], 0
    with httpx.Client(base_url=url, headers=headers, timeout=30) as client:
        for i in range(max(50, len(paths))):
            client.get(paths[i % len(paths)])  # warm the connection, the process and every row asked for
        for i in range(n):
            started = time.perf_counter()
            response = client.get(paths[i % len(paths)])
            samples.append((time.perf_counter() - started) * 1000)
            errors += response.status_code != 200
    return samples, errors


def growth(ctx: Context) -> list[Row]:
    """Insurer list and status p50 (one client) with `small` cases in intake, then with `large`."""
    system, tokens = ctx.system(), ctx.tokens()
    url, ivy, (small, large) = system.url("intake"), bearer(tokens, "ivy"), ctx.sizes.growth
    seeder = Seeder(ctx.owner_urls["intake"], _create_case(url, tokens))
    found: dict[str, dict] = {}
    try:
        for label, total in (("small", small), ("large", large)):
            ctx.progress.say(f"seeding intake to {total:,} cases")
            count = seeder.grow_to(total)
            ctx.settle()
            ctx.progress.say(f"list and status at {count:,} cases")
            status_paths = [f"/v1/cases/{c}/status" for c in seeder.some_northwind_cases(50)]
            n = ctx.sizes.sequential
            lists, list_errors = _sequential_ms(url, ["/v1/cases?limit=50"], ivy, n)
            statuses, status_errors = _sequential_ms(url, status_paths, ivy, n)
            found[label] = {
                "cases": count,
                "list_p50_ms": round(percentile(lists, 50), 2),
                "list_p95_ms": round(percentile(lists, 95), 2),
                "status_p50_ms": round(percentile(statuses, 50), 2),
                "status_p95_ms": round(percentile(statuses, 95), 2),
                "errors": list_errors + status_errors,
            }
    finally:
        ctx.progress.say("removing the seeded cases")
        seeder.remove()
    rows = []
    for part, path in (("list", "GET /v1/cases?limit=50"), ("status", "GET /v1/cases/{id}/status")):
        big, few = found["large"], found["small"]
        ratio = big[f"{part}_p50_ms"] / few[f"{part}_p50_ms"]
        rows.append(
            Row(
                "growth",
                f"{part} at {big['cases']:,} cases vs {few['cases']:,} (ivy, {path}, p50 of {ctx.sizes.sequential})",
                f"p50 {big[f'{part}_p50_ms']:.1f} ms (p95 {big[f'{part}_p95_ms']:.1f})",
                f"p50 {few[f'{part}_p50_ms']:.1f} ms (p95 {few[f'{part}_p95_ms']:.1f})",
                ratio,
                times(ratio),
                "≤ 1.20x",
                ratio <= 1.2,
                found,
            )
        )
    return rows


# --- memory -----------------------------------------------------------------------------------------------
def _soak_targets(system, tokens, case_id: str) -> dict[str, Target]:
    tara, ivy, erin = (bearer(tokens, u) for u in ("tara", "ivy", "erin"))
    return {
        "intake": Target(
            system.url("intake"),
            [
                Request("POST", "/v1/cases", {**JSON, **tara}, CASE_BODY),
                Request("GET", f"/v1/cases/{case_id}", tara),
                Request("GET", "/v1/cases?limit=20", ivy),
                Request("GET", f"/v1/cases/{case_id}/status", ivy),
            ],
            connections=4,
        ),
        "workplan": Target(
            system.url("workplan"),
            [Request("GET", "/v1/plans?limit=20", tara), Request("GET", f"/v1/plans?case_id={case_id}", tara)],
            connections=2,
        ),
        "employer": Target(
            system.url("employer"), [Request("GET", "/v1/accommodations?limit=20", erin)], connections=2
        ),
        "notify": Target(
            system.url("notify"),
            [Request("GET", "/v1/notifications?limit=20", erin), Request("GET", "/v1/notifications?limit=20", tara)],
            connections=2,
        ),
    }


def memory(ctx: Context) -> list[Row]:
    """RSS of each API process (and its children) before and after `soak_seconds` of steady load on all four."""
    system, tokens = ctx.system(), ctx.tokens()
    targets = _soak_targets(system, tokens, _create_case(system.url("intake"), tokens))
    soak = ctx.sizes.soak_seconds
    ctx.settle()
    ctx.progress.say("memory: warming the four APIs up")
    loadgen.run(list(targets.values()), max(1.0, min(10.0, soak / 10)), ctx.generator)
    pids = {name: system.services[name].processes["api"].pid for name in targets}
    before = {name: rss_bytes(pid) for name, pid in pids.items()}
    ctx.progress.say(f"memory: steady load on the four APIs for {soak:.0f} s")
    results = dict(zip(targets, loadgen.run(list(targets.values()), soak, ctx.generator), strict=True))
    after = {name: rss_bytes(pid) for name, pid in pids.items()}
    rows = []
    for name in targets:
        ratio = after[name] / before[name]
        load = results[name]
        values = {"rss_before": before[name], "rss_after": after[name], "load": load.as_dict()}
        rows.append(
            Row(
                "memory",
                f"RSS {name} API, {soak:.0f} s steady load ({load.requests:,} req, {load.errors} errors)",
                f"{after[name] / 2**20:.1f} MB after",
                f"{before[name] / 2**20:.1f} MB before",
                ratio,
                f"{(ratio - 1) * 100:+.1f}%",
                "≤ +10%",
                ratio <= 1.10,
                values,
            )
        )
    return rows
