"""What every figure of `make bench` shares: the row of the table, a progress line, a private copy of
the system on scratch databases and private topics (created on first use, removed at the end), waiting
for the machine to go quiet between measurements, and reading a process tree's memory.

Nothing here asserts anything: benchmarks print figures (CONTRIBUTING.md)."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import uuid
from dataclasses import asdict, dataclass, field
from importlib import import_module
from pathlib import Path

import psycopg

from rtw_devstack import kafka_access, stack
from rtw_devstack.config import StackSettings
from rtw_devstack.pytest_plugin import infra_from_settings
from rtw_devstack.system import System
from rtw_shared.messaging.clients import ensure_topics
from rtw_shared.testing import Tokens, create_migrated_database, delete_topics, drop_database
from rtw_shared.topics import topic_partitions

BENCH_DIR = Path(__file__).resolve().parent
# Settings of the private system benchmarks and `make load` run: rate limits off (explicitly).
LOAD_PROFILE = {"RATE_LIMIT_PER_CALLER": "", "RATE_LIMIT_PER_ADDRESS": ""}
REPO_ROOT = BENCH_DIR.parent


def percentile(values: list[float], pct: float) -> float:
    """Nearest-rank percentile (`pct` in 0..100) of `values`."""
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(pct / 100 * (len(ordered) - 1)))]


@dataclass
class Row:
    """One line of the table: a figure of RTW beside its baseline from the same run."""

    figure: str  # the --only name that produced it
    what: str
    rtw: str
    baseline: str
    ratio: float | None
    ratio_text: str
    goal: str
    met: bool | None  # None: no goal, or nothing to compare
    values: dict = field(default_factory=dict)  # the raw numbers behind the texts

    def as_dict(self) -> dict:
        return asdict(self)


def at_least(ratio: float, goal: float) -> bool:
    return ratio >= goal


def times(ratio: float) -> str:
    return f"{ratio:.2f}x"


class Progress:
    """One progress line on stderr: rewritten in place on a terminal, one line per step otherwise."""

    def __init__(self, stream=sys.stderr):
        self.stream = stream
        self.tty = stream.isatty()
        self.started = time.monotonic()
        self.where = ""

    def figure(self, index: int, total: int, name: str) -> None:
        self.where = f"{index}/{total} {name}"

    def say(self, text: str) -> None:
        elapsed = int(time.monotonic() - self.started)
        line = f"[bench {elapsed // 60:02d}:{elapsed % 60:02d} {self.where}] {text}"
        if self.tty:
            self.stream.write("\r\033[K" + line[:200])
        else:
            self.stream.write(line + "\n")
        self.stream.flush()

    def clear(self) -> None:
        if self.tty:
            self.stream.write("\r\033[K")
            self.stream.flush()


@dataclass
class Sizes:
    """How much each figure measures: the full run, or `--quick` (the smoke mode)."""

    quick: bool
    events: int
    seconds: float  # each HTTP measurement
    warmup: float
    soak_seconds: float
    runs: int  # decision -> status
    growth: tuple[int, int] = (0, 0)  # cases: small, large
    sequential: int = 0  # requests per growth measurement
    audit_rows: int = 0
    settle_seconds: float = 0  # longest wait for the machine to go quiet

    @classmethod
    def of(cls, *, quick: bool, events: int | None, soak_seconds: float | None, seconds: float | None) -> Sizes:
        """The defaults of the mode, with what the command line set instead."""
        if quick:
            # The smoke mode proves every figure can still be measured; its values mean nothing, so it neither
            # measures long nor waits for a quiet machine (the test suite keeps the machine busy anyway).
            # (No warm-up: wrk runs at least 1 s, so a 0.3 s warm-up was a second of full load per measurement.)
            base = cls(quick=True, events=300, seconds=1.0, warmup=0.0, soak_seconds=1.5, runs=2)
            base.growth, base.sequential, base.audit_rows, base.settle_seconds = (300, 1_000), 20, 300, 0
        else:
            base = cls(quick=False, events=20_000, seconds=15.0, warmup=3.0, soak_seconds=120.0, runs=30)
            base.growth, base.sequential, base.audit_rows, base.settle_seconds = (1_000, 100_000), 300, 4_000, 60
        base.events = events or base.events
        base.seconds = seconds or base.seconds
        base.soak_seconds = soak_seconds or base.soak_seconds
        return base


class Context:
    """The servers, scratch databases, private topics and (once asked for) the private system of one run."""

    def __init__(self, sizes: Sizes, progress: Progress, generator: str = "auto"):
        self.sizes = sizes
        self.progress = progress
        self.generator = generator  # the load generator: auto, wrk or httpx (loadgen)
        self.cache: dict = {}  # what figures share within the run (the bare app)
        self.settings = StackSettings()
        stack.ensure(self.settings, list(stack.INFRASTRUCTURE))
        self.infra = infra_from_settings(self.settings)
        kafka_access.act_as(self.settings.kafka_admin)
        self.run_id = uuid.uuid4().hex[:8]
        self.log_dir = Path(tempfile.mkdtemp(prefix="rtw-bench-"))
        self.owner_urls: dict[str, str] = {}  # the system's databases, by service
        self._databases: list[str] = []
        self._topics: list[str] = []
        self._system: System | None = None
        self._processes: list[subprocess.Popen] = []

    # --- databases and topics -----------------------------------------------------------------
    def migrated_database(self, package: str, label: str) -> str:
        """A scratch database migrated with `package`'s migrations; the owner's SQLAlchemy URL."""
        migrations = Path(import_module(package).__file__).parent / "migrations"
        name, url = create_migrated_database(self.infra.pg_dsn(), migrations, prefix=f"bench_{label}")
        self._databases.append(name)
        return url

    def empty_database(self, label: str) -> str:
        """A new empty scratch database; its psycopg DSN (as the owner)."""
        name = f"bench_{label}_{uuid.uuid4().hex[:10]}"
        with psycopg.connect(self.infra.pg_dsn(), autocommit=True) as conn:
            conn.execute(f'CREATE DATABASE "{name}"')
        self._databases.append(name)
        return self.infra.pg_dsn(name)

    def topics(self, *names: str) -> str:
        """A private copy of the named catalogue topics (all of them when none are named); the prefix."""
        prefix = f"bench{uuid.uuid4().hex[:8]}."
        wanted = {prefix + n: p for n, p in topic_partitions().items() if not names or n.split(".dlq")[0] in names}
        ensure_topics(self.infra.kafka_bootstrap, wanted)
        self._topics += list(wanted)
        return prefix

    def scratch_topic(self, partitions: int = 1) -> str:
        """A new topic of the run's own; its name."""
        name = f"bench.raw.{uuid.uuid4().hex[:8]}"
        ensure_topics(self.infra.kafka_bootstrap, {name: partitions})
        self._topics.append(name)
        return name

    def tokens(self) -> Tokens:
        """Fresh real tokens (the demo realm's live 300 s; each figure asks anew)."""
        return Tokens(self.infra.keycloak_url, self.infra.keycloak_realm)

    # --- the private system ---------------------------------------------------------------------
    # The load-test profile: the one place rate limits are off, explicitly — a benchmark measures
    # what the service can do, not the limit it enforces on one caller.
    def system(self) -> System:
        """The four services (API + worker each) on scratch databases and private topics, started once."""
        if self._system is None:
            self.progress.say("starting a private copy of the system (4 APIs, 4 workers)")
            prefix = self.topics()

            def make_database(migrations_dir, name: str) -> str:
                db_name, url = create_migrated_database(self.infra.pg_dsn(), migrations_dir, prefix=f"bench_{name}")
                self._databases.append(db_name)
                self.owner_urls[name] = url
                return url

            self._system = System(self.infra, prefix, self.log_dir, make_database, settings=LOAD_PROFILE)
            self._system.start()
        return self._system

    def spawn(self, argv: list[str], *, env: dict[str, str], log_name: str) -> subprocess.Popen:
        """A process of the run's own (the bare app), stopped at the end."""
        with open(self.log_dir / log_name, "ab") as log:
            process = subprocess.Popen(
                argv, env={**os.environ, **env}, stdout=log, stderr=subprocess.STDOUT, start_new_session=True
            )
        self._processes.append(process)
        return process

    def close(self, *, keep_logs: bool = True) -> None:
        """Stop what the run started and drop its databases and topics; its servers' logs (`log_dir`)
        go too unless `keep_logs`."""
        for process in self._processes:
            stop_process(process)
        if self._system is not None:
            self._system.stop()
        for name in self._databases:
            drop_database(self.infra.pg_dsn(), name)
        if self._topics:
            delete_topics(self.infra.kafka_bootstrap, self._topics)
        if not keep_logs:
            shutil.rmtree(self.log_dir, ignore_errors=True)

    # --- fairness -------------------------------------------------------------------------------
    def settle(self, busy_below: float = 0.25) -> None:
        """Wait until the machine is quiet (what the last measurement set off, e.g. events flowing
        through the other services, has finished), at most `settle_seconds` (the smoke mode: 0, no wait)."""
        deadline = time.monotonic() + self.sizes.settle_seconds
        while time.monotonic() < deadline:
            busy = cpu_busy(0.5)
            if busy < busy_below:
                return
            self.progress.say(f"waiting for the machine to go quiet ({busy:.0%} busy)")


def stop_process(process: subprocess.Popen) -> None:
    """SIGTERM to the process group, SIGKILL after 10 s."""
    if process.poll() is None:
        os.killpg(process.pid, signal.SIGTERM)
    try:
        process.wait(timeout=10)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait(timeout=10)


def _cpu_times() -> tuple[int, int]:
    with open("/proc/stat") as stat:
        fields = [int(v) for v in stat.readline().split()[1:]]
    idle = fields[3] + (fields[4] if len(fields) > 4 else 0)  # idle + iowait
    return sum(fields), idle


def cpu_busy(seconds: float) -> float:
    """The machine's busy share (all cores) over the next `seconds`."""
    total0, idle0 = _cpu_times()
    time.sleep(seconds)
    total1, idle1 = _cpu_times()
    return 1 - (idle1 - idle0) / max(1, total1 - total0)


def rss_bytes(pid: int) -> int:
    """Resident memory of `pid` and all its descendants (uvicorn's workers, when it runs several)."""
    total, pending = 0, [pid]
    while pending:
        current = pending.pop()
        try:
            with open(f"/proc/{current}/status") as status:
                total += next(int(line.split()[1]) * 1024 for line in status if line.startswith("VmRSS:"))
            for task in os.listdir(f"/proc/{current}/task"):
                with open(f"/proc/{current}/task/{task}/children") as children:
                    pending += [int(child) for child in children.read().split()]
        except (FileNotFoundError, ProcessLookupError, StopIteration):
            continue  # it ended meanwhile
    return total


def git_revision() -> tuple[str, bool]:
    """(short sha, whether the work tree has changes) of the code measured."""
    try:
        sha = subprocess.run(
            ["git", "rev-parse", "--short", "HEAD"], cwd=REPO_ROOT, capture_output=True, text=True, check=True
        ).stdout.strip()
        dirty = bool(
            subprocess.run(
                ["git", "status", "--porcelain", "--untracked-files=no"],
                cwd=REPO_ROOT,
                capture_output=True,
                text=True,
                check=True,
            ).stdout.strip()
        )
    except (OSError, subprocess.CalledProcessError):
        return "nogit", False
    return sha, dirty
