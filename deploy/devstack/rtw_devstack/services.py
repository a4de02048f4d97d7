"""The four RTW services as processes: each migrates its database, then runs its API (uvicorn)
and its worker (outbox relay + consumer). `make up` runs them beside the infrastructure; the
end-to-end tests launch private copies with the same argv builders."""

from __future__ import annotations

import sys

import httpx

from rtw_shared.services import SERVICE_DEFS, ServiceDef
from rtw_shared.settings import KafkaPrincipal

from . import procs, ui
from .config import StackSettings
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


def api_argv(defn: ServiceDef, port: int, host: str = "127.0.0.1") -> list[str]:
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
    ]


def worker_health_port(defn: ServiceDef) -> int:
    """Where `make up`'s worker of `defn` answers /healthz (its API's port + 10: 8111 for intake)."""
    port: int = defn.port + 10
    return port


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
        ) | {self.defn.env_prefix + "WORKER_HEALTH_PORT": str(worker_health_port(self.defn))}

    def is_ready(self) -> bool:
        return self._started_and_ready()

    def start(self) -> None:
        with ui.step(self.name, "migrating its database"):
            procs.run(migrate_argv(self.defn), what=f"{self.name} migrations", env=self.env)
        with ui.step(self.name, f"starting API on :{self.defn.port} and worker (supervised)"):
            for part, argv in (
                ("api", api_argv(self.defn, self.defn.port, self.settings.host)),
                ("worker", worker_argv(self.defn)),
            ):
                procs.terminate(self.settings, f"{self.name}-{part}")  # a leftover from before supervision
                self.supervisor.run(f"{self.name}-{part}", argv, self.env)
            if not procs.wait_until(self._started_and_ready, 60, interval=0.3):
                raise procs.fail_with_log(self.settings, f"{self.name}-api", f"{self.name} did not become ready")

    def _started_and_ready(self) -> bool:
        """The API answers /readyz and the worker's /healthz says every loop runs."""
        worker = f"http://{self.settings.host}:{worker_health_port(self.defn)}/healthz"
        return api_ready(self.settings.host, self.defn.port) and _answers_ok(worker)

    def provision(self) -> None:
        """Nothing: migrations run at start."""

    def stop(self) -> None:
        for part in ("worker", "api"):
            self.supervisor.halt(f"{self.name}-{part}")
            procs.terminate(self.settings, f"{self.name}-{part}", grace_seconds=20)  # from before supervision

    def describe(self) -> str:
        return f"http://{self.settings.host}:{self.defn.port}  (docs: /docs)"
