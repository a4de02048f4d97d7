"""A private copy of the whole RTW system for end-to-end tests and benchmarks: the four services'
APIs and workers as real processes, on scratch databases and a private topic prefix, beside
(and invisible to) whatever `make up` runs. Processes can be killed and restarted at will."""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import sys
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import timedelta
from functools import partial
from importlib import import_module
from pathlib import Path
from typing import TYPE_CHECKING

from kafka import KafkaAdminClient

from rtw_shared.clock import OFFSET_FILE_ENV, set_offset
from rtw_shared.messaging.clients import make_admin
from rtw_shared.metrics import MULTIPROCESS_DIR
from rtw_shared.testing import app_url

from . import kafka_access
from .kafka_access import dev_principal
from .procs import wait_until
from .services import SERVICE_DEFS, ServiceDef, api_argv, api_ready, service_env, worker_argv

if TYPE_CHECKING:
    from .pytest_plugin import Infra


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def _package_dir(package: str) -> Path:
    module_file = import_module(package).__file__
    if module_file is None:
        raise RuntimeError(f"{package} is a namespace package: it has no migrations folder")
    return Path(module_file).parent


@dataclass
class RunningService:
    defn: ServiceDef
    port: int
    env: dict[str, str]
    processes: dict[str, subprocess.Popen[bytes]] = field(default_factory=dict)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"


class System:
    def __init__(
        self,
        infra: Infra,
        topic_prefix: str,
        log_dir: Path,
        make_database: Callable[[Path, str], str],
        *,
        settings: dict[str, str] | None = None,
        replicas: int = 1,
    ):
        """`infra`: the pytest plugin's Infra; `make_database(migrations_dir, prefix)` → URL;
        `settings`: values every service gets (by field name, e.g. {"RATE_LIMIT_PER_CALLER": ""})."""
        self.infra = infra
        self.replicas = replicas  # processes of each API on its port, and workers per consumer group
        self.topic_prefix = topic_prefix
        self.log_dir = log_dir
        # Every process of this system reads its time from here (rtw_shared.clock): `move_clock`
        # lets a test make days pass for running workers' timers without sleeping.
        self.clock_file = log_dir / "clock-offset"
        set_offset(self.clock_file, timedelta(0))
        self.services: dict[str, RunningService] = {}
        for defn in SERVICE_DEFS:
            migrations = _package_dir(defn.package) / "migrations"
            owner_url = make_database(migrations, defn.name)
            env = service_env(
                defn,
                database_url=app_url(owner_url),
                migration_database_url=owner_url,
                kafka_bootstrap=infra.kafka_bootstrap,
                keycloak_url=infra.keycloak_url,
                keycloak_issuer=infra.keycloak_issuer,
                smtp_host=infra.smtp_host,
                smtp_port=infra.smtp_port,
                topic_prefix=topic_prefix,
                kafka_principal=dev_principal(defn.name) if infra.kafka_admin else None,
            )
            env[defn.env_prefix + "LOG_LEVEL"] = "INFO"
            env[OFFSET_FILE_ENV] = str(self.clock_file)
            env.update({defn.env_prefix + name: value for name, value in (settings or {}).items()})
            self.services[defn.name] = RunningService(defn, free_port(), env)
        # Where each service finds the others' public APIs on this system (`RTW_WORKPLAN_INTAKE_API_URL`…):
        # workplan's workspace calls them with the signed-in therapist's token, intake's Patient/$everything
        # gathers from the others' FHIR APIs with the caller's.
        for service in self.services.values():
            for other in self.services.values():
                if other is not service:
                    service.env[f"{service.defn.env_prefix}{other.defn.name.upper()}_API_URL"] = other.url

    def url(self, service: str) -> str:
        return self.services[service].url

    def move_clock(self, offset: timedelta) -> None:
        """From now on every process of this system sees system time + `offset`."""
        set_offset(self.clock_file, offset)

    def _manage_access(self, change: Callable[[KafkaAdminClient, str], None]) -> None:
        """`change(admin, prefix)` (grant or revoke) for this system's private topics, on a broker
        with ACLs."""
        if self.infra.kafka_admin is None:
            return
        admin = make_admin(self.infra.kafka_bootstrap, principal=self.infra.kafka_admin)
        try:
            change(admin, self.topic_prefix)
        finally:
            admin.close()

    def start(self) -> None:
        self._manage_access(kafka_access.grant)
        for name in self.services:
            self.start_part(name, "api")
            for part in self.worker_parts:
                self.start_part(name, part)
        for service in self.services.values():
            if not wait_until(partial(api_ready, "127.0.0.1", service.port), 60, interval=0.2):
                raise RuntimeError(f"{service.defn.name} API did not become ready; see {self.log_dir}")

    @property
    def worker_parts(self) -> list[str]:
        """The parts naming each worker of a service: `worker`, then `worker-2`… (one per replica)."""
        return ["worker" if replica == 1 else f"worker-{replica}" for replica in range(1, self.replicas + 1)]

    def start_part(self, name: str, part: str) -> None:
        service = self.services[name]
        env = {**os.environ, **service.env}
        if part == "api":
            argv = api_argv(service.defn, service.port, workers=self.replicas)
            if self.replicas > 1:  # the processes' metrics summed (rtw_shared.metrics), none left from before
                metrics = self.log_dir / f"metrics-{name}"
                shutil.rmtree(metrics, ignore_errors=True)
                metrics.mkdir()
                env[MULTIPROCESS_DIR] = str(metrics)
        else:
            argv = worker_argv(service.defn)
        log = open(self.log_dir / f"{name}-{part}.log", "ab")  # noqa: SIM115 — the child owns it
        service.processes[part] = subprocess.Popen(
            argv, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True
        )
        log.close()

    def kill_one_api_process(self, name: str) -> int:
        """SIGKILL one of the API's uvicorn processes (with replicas): the others carry on serving its
        port and uvicorn's parent starts a new one. The killed pid."""
        parent = self.services[name].processes["api"].pid
        with open(f"/proc/{parent}/task/{parent}/children") as children:
            serving = [int(pid) for pid in children.read().split()]
        # uvicorn's parent also runs a resource tracker: the serving processes are the spawned ones.
        serving = [pid for pid in serving if b"--multiprocessing-fork" in Path(f"/proc/{pid}/cmdline").read_bytes()]
        victim = serving[0]
        os.kill(victim, signal.SIGKILL)
        return victim

    def kill(self, name: str, part: str) -> None:
        """SIGKILL: no chance to finish, commit or say goodbye."""
        process = self.services[name].processes[part]
        os.killpg(process.pid, signal.SIGKILL)
        process.wait(timeout=10)

    def restart(self, name: str, part: str) -> None:
        self.kill(name, part)
        self.start_part(name, part)

    def stop(self) -> None:
        for service in self.services.values():
            for process in service.processes.values():
                if process.poll() is None:
                    os.killpg(process.pid, signal.SIGTERM)
            for process in service.processes.values():
                try:
                    process.wait(timeout=20)
                except subprocess.TimeoutExpired:
                    os.killpg(process.pid, signal.SIGKILL)
        try:
            self._manage_access(kafka_access.revoke)
        except Exception as error:  # a stop must finish (chaos may stop with the broker down)
            print(f"could not take back the Kafka ACLs of {self.topic_prefix}*: {error}", file=sys.stderr)
