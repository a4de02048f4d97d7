"""`make chaos`: journeys keep flowing while processes and servers are killed at random.

A private copy of everything (its own PostgreSQL, Kafka, Keycloak and SMTP sink on other ports, in
`.data/chaos/`, and the four services on scratch databases and private topics), so killing a
server harms nothing else. Then:

1. one journey runs with no fault: the *control* — what one journey's effects look like;
2. journeys run continuously (a few at a time, bounded in number) while a fault injector picks
   faults at random (printed seed, so a run can be repeated): SIGKILL of each service's API and
   worker, the Kafka broker killed, PostgreSQL stopped with `-m immediate`, Keycloak stopped, a
   service's consumer group rewound two minutes (everything since arrives again); each
   is brought back after a short random outage and its recovery time measured (until the whole
   system answers again). A killed API or worker is started again the way a supervisor would;
   `make up` itself runs them under supervisord (rtw_devstack.supervision, tested on its own);
3. at the end, every journey must have the control's effects exactly: the same number of rows per
   case in every table of every service that has a `case_id` (plans, requests, decisions, status,
   notifications, emails, timeline …) — nothing lost, nothing twice — and the duplicates that
   Kafka redelivered and the inboxes absorbed are counted from the workers' logs.

While Keycloak is down, the tokens already issued must keep working (the services validate them
with the keys they cached); the journeys' own new logins wait for it to come back.

`python -m rtw_devstack.chaos --faults 24 --journeys 200 [--seed N]` (journeys: at most); `make test` runs a short
version (tests/e2e/test_chaos.py)."""

from __future__ import annotations

import argparse
import contextlib
import os
import random
import shutil
import signal
import statistics
import sys
import threading
import time
import uuid
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar

import httpx
import psycopg
from kafka import TopicPartition
from kafka.admin import OffsetTimestamp
from kafka.errors import KafkaError, NoError

from rtw_shared.messaging.clients import ensure_topics, make_admin
from rtw_shared.services import SERVICE_DEFS, SERVICE_NAMES
from rtw_shared.testing import Tokens, create_migrated_database, drop_database
from rtw_shared.topics import topic_partitions

from . import kafka_access, procs, stack
from .config import StackSettings
from .journey import CASE, PLAN
from .postgres import Postgres
from .pytest_plugin import Infra, infra_from_settings
from .services import api_ready
from .system import System, free_port

PROCESS_FAULTS = [f"kill {name} {part}" for name in SERVICE_NAMES for part in ("api", "worker")]
# An operator's (or a lost offsets topic's) replay: the consumer group is set back two minutes, so
# everything it applied since arrives again and must be absorbed by the inbox.
REPLAY_FAULTS = [f"rewind {name} consumer" for name in SERVICE_NAMES]
SERVER_FAULTS = ["kill kafka", "stop postgres (immediate)", "stop keycloak"]
PARTITIONS = topic_partitions()
# Tables that record plumbing, not effects: their row counts may differ run to run.
NOT_EFFECTS = {"outbox", "inbox", "parked_events", "audit_log", "timers", "alembic_version"}
# What a run prints its progress with (print, or a test's list.append).
Say = Callable[[str], None]
T = TypeVar("T")


def private_settings(root: Path) -> StackSettings:
    """A second stack in its own folder, on ports free right now (nothing else is disturbed)."""
    return StackSettings(
        data_dir=root,
        pg_port=free_port(),
        kafka_port=free_port(),
        kafka_controller_port=free_port(),
        keycloak_port=free_port(),
        keycloak_management_port=free_port(),
        smtp_port=free_port(),
    )


@dataclass
class FaultRecord:
    name: str
    outage_s: float
    recovery_s: float
    note: str = ""


@dataclass
class Outcome:
    seed: int
    faults: list[FaultRecord] = field(default_factory=list)
    journeys: list[str] = field(default_factory=list)  # case ids
    failed_journeys: list[str] = field(default_factory=list)
    lost_or_doubled: dict[str, dict[str, tuple[int, int]]] = field(default_factory=dict)
    duplicates_absorbed: int = 0
    client_retries: int = 0
    crash_restarts: dict[str, int] = field(default_factory=dict)
    control: dict[str, int] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        return bool(self.journeys) and not self.failed_journeys and not self.lost_or_doubled


# --- a journey that survives faults --------------------------------------------------------------
class UnavailableError(Exception):
    """A step could not be done right now (a server is away); try again."""


class ResilientJourney:
    """The journey as a careful client runs it: every step first checks whether it already happened
    (a request may have been applied though its answer was lost), and retries until a deadline."""

    def __init__(self, system: System, tokens: Tokens, counter: Counter[str], deadline_s: float = 600.0):
        self.system, self.tokens, self.counter, self.deadline_s = system, tokens, counter, deadline_s
        self.http = httpx.Client(timeout=10)

    def run(self) -> str:
        claim = f"WC-CHAOS-{uuid.uuid4().hex[:10]}"
        case_id = self._until(lambda: self._create_case(claim), "create the case")
        plan_id = self._until(lambda: self._draft_plan(case_id), "find the draft plan")
        self._until(lambda: self._publish(plan_id), "publish the plan")
        request_id = self._until(lambda: self._request(case_id), "find the accommodation request")
        self._until(lambda: self._confirm(request_id), "confirm the request")
        self._until(lambda: self._status_confirmed(case_id), "see the status confirmed")
        return case_id

    def _until(self, step: Callable[[], T | None], what: str) -> T:
        deadline = time.monotonic() + self.deadline_s
        while time.monotonic() < deadline:
            try:
                result = step()
                if result is not None:
                    return result
            except (httpx.HTTPError, UnavailableError):
                self.counter["client retries"] += 1
            time.sleep(0.5)
        raise TimeoutError(f"could not {what} within {self.deadline_s:.0f}s")

    def _call(self, method: str, service: str, path: str, user: str, **kwargs: Any) -> httpx.Response:
        """`kwargs`: httpx's request options (`json=`, `headers=`…)."""
        try:
            token = self.tokens.user(user)
        except Exception as error:  # Keycloak away: wait for it like any client would
            raise UnavailableError(f"no token: {error}") from error
        headers = {"Authorization": f"Bearer {token}", **kwargs.pop("headers", {})}
        response = self.http.request(method, self.system.url(service) + path, headers=headers, **kwargs)
        if response.status_code >= 500 or response.status_code == 429:
            raise UnavailableError(f"{method} {path}: {response.status_code}")
        return response

    def _json(
        self, method: str, service: str, path: str, user: str, expected: tuple[int, ...] = (200,), **kw: Any
    ) -> httpx.Response:
        response = self._call(method, service, path, user, **kw)
        if response.status_code not in expected:
            raise AssertionError(f"{method} {path} as {user}: {response.status_code} {response.text[:500]}")
        return response

    def _create_case(self, claim: str) -> str | None:
        existing = self._find_case(claim)
        if existing:
            return existing
        body = {**CASE, "claim": {**CASE["claim"], "claim_number": claim}}
        created: str = self._json("POST", "intake", "/v1/cases", "tara", (201,), json=body).json()["id"]
        return created

    def _find_case(self, claim: str) -> str | None:
        cursor = None
        while True:
            query = "/v1/cases?limit=100" + (f"&cursor={cursor}" if cursor else "")
            page = self._json("GET", "intake", query, "tara").json()
            for item in page["items"]:
                if item.get("claim", {}).get("claim_number") == claim:
                    found: str = item["id"]
                    return found
            cursor = page.get("next_cursor")
            if not cursor:
                return None

    def _draft_plan(self, case_id: str) -> str | None:
        items = self._json("GET", "workplan", f"/v1/plans?case_id={case_id}", "tara").json()["items"]
        return items[0]["id"] if items else None

    def _publish(self, plan_id: str) -> bool | None:
        path = f"/v1/plans/{plan_id}"
        plan = self._json("GET", "workplan", path, "tara")
        if plan.json()["status"] != "draft":
            return True  # published already (perhaps by a try whose answer was lost)
        etag = {"If-Match": plan.headers["ETag"]}
        updated = self._json("PUT", "workplan", path, "tara", (200, 412), json=PLAN, headers=etag)
        if updated.status_code == 412:
            return None
        etag = {"If-Match": updated.headers["ETag"]}
        published = self._json("POST", "workplan", f"{path}/publish", "tara", (200, 409, 412), headers=etag)
        return True if published.status_code == 200 else None

    def _request(self, case_id: str) -> str | None:
        items = self._json("GET", "employer", "/v1/accommodations", "erin").json()["items"]
        mine = [i for i in items if i["case_id"] == case_id]
        return mine[0]["id"] if mine else None

    def _confirm(self, request_id: str) -> bool | None:
        path = f"/v1/accommodations/{request_id}"
        request = self._json("GET", "employer", path, "erin")
        if request.json()["status"] == "confirmed":
            return True
        decided = self._json(
            "POST",
            "employer",
            f"{path}/decision",
            "erin",
            (200, 409, 412),
            headers={"If-Match": request.headers["ETag"]},
            json={"decision": "confirmed", "note": "chaos run"},
        )
        return True if decided.status_code == 200 else None

    def _status_confirmed(self, case_id: str) -> bool | None:
        status = self._json("GET", "intake", f"/v1/cases/{case_id}/status", "ivy").json()
        return True if status["accommodation"]["status"] == "confirmed" else None


# --- supervision of the private system ----------------------------------------------------------
class Watchdog:
    """Does for the private system what supervisord does for `make up`: a process that exits on its
    own (a worker whose loop died, one that could not reach Kafka at start) is started again after
    a growing delay, and counted. Processes the injector holds down are left alone."""

    def __init__(self, system: System):
        self.system = system
        self.held: set[tuple[str, str]] = set()
        self.restarts: Counter[str] = Counter()
        self._stopping = threading.Event()
        self._lock = threading.Lock()
        self._thread = threading.Thread(target=self._watch, daemon=True)

    def start(self) -> None:
        self._thread.start()

    def stop(self) -> None:
        self._stopping.set()
        self._thread.join(timeout=10)

    @contextlib.contextmanager
    def holding(self, name: str, part: str) -> Iterator[None]:
        with self._lock:
            self.held.add((name, part))
        try:
            yield
        finally:
            with self._lock:
                self.held.discard((name, part))

    def _watch(self) -> None:
        delays: dict[tuple[str, str], float] = {}
        while not self._stopping.wait(0.5):
            for name, service in self.system.services.items():
                for part, process in list(service.processes.items()):
                    with self._lock:
                        if (name, part) in self.held or process.poll() is None:
                            continue
                    delay = delays.get((name, part), 0.5)
                    self._stopping.wait(delay)
                    delays[(name, part)] = min(delay * 2, 8.0)
                    self.restarts[f"{name} {part}"] += 1
                    self.system.start_part(name, part)


# --- faults -------------------------------------------------------------------------------------
class Injector:
    def __init__(self, settings: StackSettings, system: System, rng: random.Random, watchdog: Watchdog, tokens: Tokens):
        self.settings, self.system, self.rng, self.watchdog, self.tokens = settings, system, rng, watchdog, tokens
        self.components = stack.components(settings)

    def plan(self, count: int) -> list[str]:
        """`count` faults in random order: each server fault once, then every process fault once as far
        as room allows, the rest chosen at random."""
        chosen = SERVER_FAULTS[:count]
        chosen += self.rng.sample(PROCESS_FAULTS, min(len(PROCESS_FAULTS), count - len(chosen)))
        chosen += self.rng.sample(REPLAY_FAULTS, min(len(REPLAY_FAULTS), count - len(chosen)))
        kinds = PROCESS_FAULTS + SERVER_FAULTS + REPLAY_FAULTS
        chosen += [self.rng.choice(kinds) for _ in range(count - len(chosen))]
        self.rng.shuffle(chosen)
        return chosen

    def inflict(self, fault: str, outage_s: float) -> FaultRecord:
        """Take something away for `outage_s`, bring it back; recovery = restart until all answer."""
        words = fault.split()
        if words[0] == "rewind":  # a group is rewound only with no member left: every worker goes
            with contextlib.ExitStack() as held:
                for part in self.system.worker_parts:
                    held.enter_context(self.watchdog.holding(words[1], part))
                    self.system.kill(words[1], part)
                self._rewind(words[1], seconds=120)
                time.sleep(outage_s)
                back = time.monotonic()
                for part in self.system.worker_parts:
                    self.system.start_part(words[1], part)
            return self._recovered(fault, outage_s, back)
        if words[:1] == ["kill"] and words[1] in SERVICE_NAMES and words[2] == "api" and self.system.replicas > 1:
            self.system.kill_one_api_process(words[1])  # the other carries on; uvicorn starts another
            time.sleep(outage_s)
            return self._recovered(fault, outage_s, time.monotonic())
        if words[0] == "kill" and words[1] in SERVICE_NAMES:  # with replicas: the first worker, the others carry on
            with self.watchdog.holding(words[1], words[2]):
                self.system.kill(words[1], words[2])
                time.sleep(outage_s)
                back = time.monotonic()
                self.system.start_part(words[1], words[2])
            return self._recovered(fault, outage_s, back)
        issued = ""
        if fault == "kill kafka":
            procs.kill(self.settings, "kafka")
            restart = self.components["kafka"].start
        elif fault.startswith("stop postgres"):
            postgres = Postgres(self.settings)  # its stop takes a mode; a Component's does not
            postgres.stop(mode="immediate")
            restart = postgres.start
        else:  # stop keycloak
            # Issued before the stop: a token the harness caches may lapse while a slow run goes on,
            # and a new one cannot be had with Keycloak away.
            issued = self.tokens.user("tara")
            self.components["keycloak"].stop()
            restart = self.components["keycloak"].start
        note = self._cached_token_works(issued) if fault == "stop keycloak" else ""
        time.sleep(outage_s)
        back = time.monotonic()
        restart()
        record = self._recovered(fault, outage_s, back)
        record.note = note
        return record

    def _rewind(self, service: str, seconds: int) -> None:
        """Set `service`'s consumer group back `seconds` on every topic it consumes (once the killed
        member has left the group, which takes the session timeout)."""
        access = kafka_access.service_access(next(d for d in SERVICE_DEFS if d.name == service))
        prefix = self.system.topic_prefix
        admin = make_admin(self.settings.kafka_bootstrap, principal=self.settings.kafka_admin)
        try:
            since = OffsetTimestamp(int((time.time() - seconds) * 1000))
            specs = {
                TopicPartition(prefix + topic, partition): since
                for topic in access.consumes
                for partition in range(PARTITIONS[topic])
            }
            deadline = time.monotonic() + 60
            while True:
                try:
                    results = admin.reset_group_offsets(prefix + access.consumer_group, specs)
                    failed = {tp: r["error"].__name__ for tp, r in results.items() if r["error"] is not NoError}
                except KafkaError as error:
                    failed = {"group": type(error).__name__}
                if not failed:
                    return
                if time.monotonic() > deadline:
                    raise RuntimeError(f"could not rewind {service}'s consumer group: {failed}")
                time.sleep(1.0)  # the killed member is still in the group until its session times out
        finally:
            admin.close()

    def _cached_token_works(self, token: str) -> str:
        """With Keycloak away, a token issued before still opens the API (keys are cached)."""
        answer = httpx.get(
            self.system.url("intake") + "/v1/cases?limit=1",
            headers={"Authorization": f"Bearer {token}"},
            timeout=10,
        )
        if answer.status_code != 200:
            raise AssertionError(f"with Keycloak away, an issued token was refused: {answer.status_code}")
        return "issued token still accepted"

    def _recovered(self, fault: str, outage_s: float, back: float) -> FaultRecord:
        if not procs.wait_until(self.healthy, 240, interval=0.5):
            raise RuntimeError(f"the system did not recover from {fault!r} within 240 s")
        return FaultRecord(fault, outage_s, time.monotonic() - back)

    def healthy(self) -> bool:
        servers = all(self.components[n].is_ready() for n in ("postgres", "kafka", "keycloak"))
        return servers and all(api_ready("127.0.0.1", s.port) for s in self.system.services.values())


# --- effects ------------------------------------------------------------------------------------
def effects_per_case(system: System) -> dict[str, dict[str, int]]:
    """{"service.table": {case_id: rows}} for every table with a case_id column."""
    found: dict[str, dict[str, int]] = {}
    for name, service in system.services.items():
        url = service.env[f"RTW_{name.upper()}_MIGRATION_DATABASE_URL"].replace(
            "postgresql+psycopg://", "postgresql://"
        )
        with psycopg.connect(url) as conn:
            tables = conn.execute(
                "SELECT table_name FROM information_schema.columns WHERE column_name = 'case_id' "
                "AND table_schema = 'public'"
            ).fetchall()
            for (table,) in tables:
                if table in NOT_EFFECTS:
                    continue
                rows = conn.execute(f'SELECT case_id::text, count(*) FROM "{table}" GROUP BY case_id').fetchall()
                found[f"{name}.{table}"] = dict(rows)
    return found


def settled(system: System) -> bool:
    """Nothing left to publish in any outbox."""
    for name, service in system.services.items():
        url = service.env[f"RTW_{name.upper()}_MIGRATION_DATABASE_URL"].replace(
            "postgresql+psycopg://", "postgresql://"
        )
        with psycopg.connect(url) as conn:
            pending = conn.execute("SELECT count(*) FROM outbox WHERE published_at IS NULL AND NOT dead").fetchone()
            if pending and pending[0]:
                return False
    return True


def duplicates_absorbed(system: System) -> int:
    return sum(
        (system.log_dir / f"{name}-{part}.log").read_text(errors="replace").count("duplicate event")
        for name in system.services
        for part in system.worker_parts
    )


# --- the run ------------------------------------------------------------------------------------
def run(
    *, seed: int, faults: int, journeys: int, concurrency: int, root: Path, replicas: int = 1, say: Say = print
) -> Outcome:
    rng = random.Random(seed)  # noqa: S311 — reproducible fault choices, not secrets
    outcome = Outcome(seed=seed)
    settings = private_settings(root)
    say(
        f"chaos: seed {seed}, {faults} faults, {journeys} journeys ({concurrency} at a time), {replicas} of each API"
        f" and worker; private stack in {root}"
    )
    stack.stop(settings, list(stack.INFRASTRUCTURE))  # whatever an interrupted run left behind
    shutil.rmtree(root / "kafka", ignore_errors=True)  # old runs' topics; Keycloak's build is kept
    try:
        stack.ensure(settings, list(stack.INFRASTRUCTURE))
    except Exception:
        stack.stop(settings, list(stack.INFRASTRUCTURE))  # what did start
        raise
    infra = infra_from_settings(settings)
    kafka_access.act_as(settings.kafka_admin)
    databases: list[str] = []
    system = None
    watchdog = None
    try:
        system = _private_system(infra, root, databases, replicas)
        watchdog = Watchdog(system)
        watchdog.start()
        tokens = Tokens(infra.keycloak_url, infra.keycloak_realm)
        counter: Counter[str] = Counter()
        control = ResilientJourney(system, tokens, counter).run()
        _wait(lambda: settled(system), 120, "the control journey to settle")
        control_effects = {t: per_case.get(control, 0) for t, per_case in effects_per_case(system).items()}
        outcome.control = control_effects
        say(f"control journey done: {sum(control_effects.values())} effect rows in {len(control_effects)} tables")
        injector = Injector(settings, system, rng, watchdog, tokens)
        _journeys_under_faults(system, injector, tokens, counter, rng, faults, journeys, concurrency, outcome, say)
        _wait(lambda: settled(system), 240, "every outbox to drain")
        # Consumers may still be catching up (one restarted late, after Kafka came back): give
        # them time to converge, then judge. A lost effect never converges; a duplicate never
        # goes away.
        procs.wait_until(lambda: not _check_effects(system, outcome, control_effects), 180, interval=2.0)
        _check_effects(system, outcome, control_effects)
        outcome.duplicates_absorbed = duplicates_absorbed(system)
        outcome.client_retries = counter["client retries"]
        outcome.crash_restarts = dict(watchdog.restarts)
    finally:
        if watchdog is not None:
            watchdog.stop()
        if system is not None:
            system.stop()
        for name in databases:
            with contextlib.suppress(Exception):
                drop_database(infra.pg_dsn(), name)
        stack.stop(settings, list(stack.INFRASTRUCTURE))
    return outcome


def _private_system(infra: Infra, root: Path, databases: list[str], replicas: int = 1) -> System:
    prefix = f"chaos{uuid.uuid4().hex[:6]}."
    ensure_topics(infra.kafka_bootstrap, {prefix + n: p for n, p in topic_partitions().items()})

    def make_database(migrations_dir: Path, name: str) -> str:
        url: str
        db_name, url = create_migrated_database(infra.pg_dsn(), migrations_dir, prefix=f"chaos_{name}")
        databases.append(db_name)
        return url

    log_dir = root / "system-logs" / time.strftime("%Y%m%dT%H%M%S")
    log_dir.mkdir(parents=True, exist_ok=True)
    system = System(infra, prefix, log_dir, make_database, replicas=replicas)
    system.start()
    return system


def _journeys_under_faults(
    system: System,
    injector: Injector,
    tokens: Tokens,
    counter: Counter[str],
    rng: random.Random,
    faults: int,
    journeys: int,
    concurrency: int,
    outcome: Outcome,
    say: Say,
) -> None:
    """Journeys start one after another on each driver for as long as faults are being inflicted
    (and at most `journeys` in all), so every fault lands on work in flight."""
    started = [0]
    faults_over = threading.Event()
    lock = threading.Lock()

    def driver() -> None:
        while not faults_over.is_set():
            with lock:
                if started[0] >= journeys:
                    return
                started[0] += 1
            try:
                case_id = ResilientJourney(system, tokens, counter).run()
                with lock:
                    outcome.journeys.append(case_id)
            except Exception as error:  # recorded, and the run fails
                with lock:
                    outcome.failed_journeys.append(f"{type(error).__name__}: {error}")

    drivers = [threading.Thread(target=driver, daemon=True) for _ in range(concurrency)]
    for thread in drivers:
        thread.start()
    try:
        for n, fault in enumerate(injector.plan(faults), 1):
            time.sleep(rng.uniform(0.5, 2.5))
            record = injector.inflict(fault, outage_s=rng.uniform(0.5, 3.0))
            outcome.faults.append(record)
            say(f"  fault {n:>2}/{faults}: {fault:<28} out {record.outage_s:4.1f}s, back in {record.recovery_s:5.1f}s")
    finally:
        faults_over.set()
    for thread in drivers:
        thread.join(timeout=900)


def _check_effects(system: System, outcome: Outcome, control: dict[str, int]) -> dict[str, dict[str, tuple[int, int]]]:
    """Record (and return) every journey whose effects differ from the control's."""
    effects = effects_per_case(system)
    outcome.lost_or_doubled = {}
    for case_id in outcome.journeys:
        wrong = {
            table: (effects.get(table, {}).get(case_id, 0), expected)
            for table, expected in control.items()
            if effects.get(table, {}).get(case_id, 0) != expected
        }
        if wrong:
            outcome.lost_or_doubled[case_id] = wrong
    return outcome.lost_or_doubled


def _wait(predicate: Callable[[], bool], timeout: float, what: str) -> None:
    if not procs.wait_until(predicate, timeout, interval=0.5):
        raise RuntimeError(f"timed out waiting for {what}")


def report(outcome: Outcome, say: Say = print) -> None:
    say("")
    say(f"{'fault':<30} {'count':>5} {'outage s':>9} {'recovery s (max)':>17}")
    by_kind: dict[str, list[FaultRecord]] = {}
    for record in outcome.faults:
        by_kind.setdefault(record.name, []).append(record)
    for name, records in sorted(by_kind.items()):
        outage = statistics.mean(r.outage_s for r in records)
        say(f"{name:<30} {len(records):>5} {outage:>9.1f} {max(r.recovery_s for r in records):>17.1f}")
    say("")
    say(f"seed {outcome.seed}: {len(outcome.faults)} faults, {len(outcome.journeys)} journeys completed")
    say(f"  lost or duplicated effects: {len(outcome.lost_or_doubled)} journeys")
    for case_id, wrong in outcome.lost_or_doubled.items():
        say(f"    {case_id}: " + ", ".join(f"{t} {got} (want {want})" for t, (got, want) in wrong.items()))
    say(f"  failed journeys: {len(outcome.failed_journeys)}")
    for failure in outcome.failed_journeys:
        say(f"    {failure}")
    say(f"  duplicates redelivered and absorbed by the inboxes: {outcome.duplicates_absorbed}")
    say(f"  client retries (requests refused or cut off during faults): {outcome.client_retries}")
    crashes = ", ".join(f"{k} x{n}" for k, n in sorted(outcome.crash_restarts.items())) or "none"
    say(f"  processes that exited on their own and were restarted: {crashes}")
    say(f"  each journey's effects: {sum(outcome.control.values())} rows in {len(outcome.control)} tables")
    say("  RESULT: " + ("PASS" if outcome.ok else "FAIL"))


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seed", type=int, default=None)
    parser.add_argument("--faults", type=int, default=24)
    parser.add_argument("--journeys", type=int, default=200, help="at most this many journeys")
    parser.add_argument("--concurrency", type=int, default=3)
    parser.add_argument("--root", type=Path, default=StackSettings().data_dir / "chaos")
    parser.add_argument("--replicas", type=int, default=1, help="processes of each API, workers per group")
    args = parser.parse_args(argv)
    seed = args.seed if args.seed is not None else int.from_bytes(os.urandom(4), "big")
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(1))
    outcome = run(
        seed=seed,
        faults=args.faults,
        journeys=args.journeys,
        concurrency=args.concurrency,
        root=args.root,
        replicas=args.replicas,
    )
    report(outcome)
    sys.exit(0 if outcome.ok else 1)


if __name__ == "__main__":
    main()
