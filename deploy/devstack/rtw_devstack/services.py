"""The four RTW services as processes: each migrates its database, then runs its API (uvicorn)
and its worker (outbox relay + consumer). `make up` runs them beside the infrastructure; the
end-to-end tests launch private copies with the same argv builders."""

from __future__ import annotations

import shutil
import sys
from pathlib import Path

import httpx

from rtw_shared.metrics import MULTIPROCESS_DIR
from rtw_shared.services import SERVICE_DEFS, ServiceDef
from rtw_shared.settings import KafkaPrincipal

from . import procs, ui
from .config import MAX_REPLICAS, StackSettings
from .kafka_access import dev_principal
from .supervision import Supervisor

__all__ = ["SERVICE_DEFS", "ServiceDef", "api_argv", "migrate_argv", "service_env", "worker_argv"]


def service_env(
    defn: ServiceDef,
    *,
    database_url: str,
    migration_database_url: str,
    kafka_bootstrap: str,
    keycloak_url: str,
    keycloak_issuer: str,
    smtp_host: str,
    smtp_port: int,
    topic_prefix: str = "",
    kafka_principal: KafkaPrincipal | None = None,
) -> dict[str, str]:
    """The environment a service's processes read their settings from."""
    if kafka_principal is not None:
        credentials = {"KAFKA_USERNAME": kafka_principal.username, "KAFKA_PASSWORD": kafka_principal.password}
    else:
        credentials = {}
    values = {
        **credentials,
        "DATABASE_URL": database_url,
        "MIGRATION_DATABASE_URL": migration_database_url,
        "KAFKA_BOOTSTRAP": kafka_bootstrap,
        "KEYCLOAK_URL": keycloak_url,
        "KEYCLOAK_ISSUER": keycloak_issuer,
        "SMTP_HOST": smtp_host,
        "SMTP_PORT": str(smtp_port),
        "TOPIC_PREFIX": topic_prefix,
    }
    return {defn.env_prefix + key: value for key, value in values.items()}


def migrate_argv(defn: ServiceDef) -> list[str]:
    return [sys.executable, "-m", f"{defn.package}.migrate"]


def api_argv(defn: ServiceDef, port: int, host: str = "127.0.0.1", *, workers: int = 1) -> list[str]:
    """uvicorn serving the API; with `workers` > 1 that many processes share the port (the kernel spreads
    the connections), and their metrics need PROMETHEUS_MULTIPROC_DIR (rtw_shared.metrics)."""
    return [
        sys.executable,
        "-m",
        "uvicorn",
        f"{defn.package}.app:create_app",
        "--factory",
        "--host",
        host,
        "--port",
        str(port),
        "--no-access-log",
        "--timeout-graceful-shutdown",
        "10",
        # A process starting on a busy machine (every API at once on 2 cores) takes longer than uvicorn's
        # 5 s to answer its parent's health check, and would be killed and restarted, over and over.
        *(["--workers", str(workers), "--timeout-worker-healthcheck", "60"] if workers > 1 else []),
    ]


def worker_health_port(defn: ServiceDef, replica: int = 1) -> int:
    """Where `make up`'s worker `replica` of `defn` answers /healthz (its API's port + 10: 8111 for
    intake; + 100 for each further replica: 8211, 8311…)."""
    port: int = defn.port + 10 + 100 * (replica - 1)
    return port


def worker_program(name: str, replica: int) -> str:
    """The supervised program of worker `replica` (the first keeps the name it always had)."""
    return f"{name}-worker" if replica == 1 else f"{name}-worker-{replica}"


def worker_argv(defn: ServiceDef) -> list[str]:
    return [sys.executable, "-m", f"{defn.package}.worker"]


def api_ready(host: str, port: int) -> bool:
    return _answers_ok(f"http://{host}:{port}/readyz")


def _answers_ok(url: str) -> bool:
    try:
        return httpx.get(url, timeout=2).status_code == 200
    except httpx.HTTPError:
        return False


class ServiceComponent:
    """One service for `make up`: migrate, then API and worker in the background."""

    def __init__(self, settings: StackSettings, defn: ServiceDef):
        self.settings = settings
        self.defn = defn
        self.name = defn.name
        self.supervisor = Supervisor(settings)

    @property
    def env(self) -> dict[str, str]:
        s = self.settings
        return service_env(
            self.defn,
            database_url=s.sqlalchemy_url(self.defn.name, as_app=True),
            migration_database_url=s.sqlalchemy_url(self.defn.name, as_app=False),
            kafka_bootstrap=s.kafka_bootstrap,
            keycloak_url=s.keycloak_url,
            keycloak_issuer=s.keycloak_issuer,
            smtp_host=s.host,
            smtp_port=s.smtp_port,
            kafka_principal=dev_principal(self.defn.name),
        )

    @property
    def metrics_dir(self) -> Path:
        """Where the API's processes write their metrics for one scrape to sum (more than one replica)."""
        return self.settings.run_dir / f"metrics-{self.name}"

    def api_env(self) -> dict[str, str]:
        if self.settings.replicas == 1:
            return self.env
        shutil.rmtree(self.metrics_dir, ignore_errors=True)  # counts of processes gone would add up forever
        self.metrics_dir.mkdir(parents=True)
        return self.env | {MULTIPROCESS_DIR: str(self.metrics_dir)}

    def worker_env(self, replica: int) -> dict[str, str]:
        return self.env | {self.defn.env_prefix + "WORKER_HEALTH_PORT": str(worker_health_port(self.defn, replica))}

    def is_ready(self) -> bool:
        return self._started_and_ready()

    def start(self) -> None:
        with ui.step(self.name, "migrating its database"):
            procs.run(migrate_argv(self.defn), what=f"{self.name} migrations", env=self.env)
        replicas = self.settings.replicas
        with ui.step(self.name, f"starting API on :{self.defn.port} and worker, {replicas} of each (supervised)"):
            procs.terminate(self.settings, f"{self.name}-api")  # a leftover from before supervision
            api = api_argv(self.defn, self.defn.port, self.settings.host, workers=replicas)
            self.supervisor.run(f"{self.name}-api", api, self.api_env())
            for replica in range(1, MAX_REPLICAS + 1):
                program = worker_program(self.name, replica)
                procs.terminate(self.settings, program)
                if replica <= replicas:
                    self.supervisor.run(program, worker_argv(self.defn), self.worker_env(replica))
                else:  # a larger REPLICAS before: fewer now
                    self.supervisor.halt(program)
            if not procs.wait_until(self._started_and_ready, 60, interval=0.3):
                raise procs.fail_with_log(self.settings, f"{self.name}-api", f"{self.name} did not become ready")

    def _started_and_ready(self) -> bool:
        """The API answers /readyz and every worker's /healthz says each of its loops runs."""
        workers = [
            f"http://{self.settings.host}:{worker_health_port(self.defn, replica)}/healthz"
            for replica in range(1, self.settings.replicas + 1)
        ]
        return api_ready(self.settings.host, self.defn.port) and all(_answers_ok(url) for url in workers)

    def provision(self) -> None:
        """Nothing: migrations run at start."""

    def stop(self) -> None:
        programs = [worker_program(self.name, replica) for replica in range(1, MAX_REPLICAS + 1)]
        for program in [*programs, f"{self.name}-api"]:  # however many REPLICAS the stack was started with
            self.supervisor.halt(program)
            procs.terminate(self.settings, program, grace_seconds=20)  # from before supervision

    def describe(self) -> str:
        return f"http://{self.settings.host}:{self.defn.port}  (docs: /docs)"
