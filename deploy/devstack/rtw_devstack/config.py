"""Where the local stack lives and which ports it uses. Every value can be overridden by an
environment variable named `RTW_<FIELD>` (for example `RTW_PG_PORT=55433`)."""

from __future__ import annotations

from functools import cached_property
from pathlib import Path

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict

from rtw_shared.services import SERVICE_NAMES
from rtw_shared.settings import KafkaPrincipal

REPO_ROOT = Path(__file__).resolve().parents[3]
MAX_REPLICAS = 4  # a worker's health port is its API's + 10 + 100 per replica after the first


class StackSettings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="RTW_", extra="ignore")

    repo_root: Path = REPO_ROOT
    data_dir: Path = REPO_ROOT / ".data"
    # Downloads are shared by every checkout on the machine (and by CI on it).
    cache_dir: Path = Path.home() / ".cache" / "rtw"

    host: str = "127.0.0.1"
    pg_port: int = 55432
    pg_user: str = "rtw"
    pg_password: str = "rtw"
    # The role the services run as (rows, not schema); migrations run as pg_user.
    pg_app_user: str = "rtw_app"
    pg_app_password: str = "rtw_app"
    kafka_port: int = 59092
    kafka_controller_port: int = 59093
    kafka_admin_password: str = "admin-dev-secret"  # development stack only
    keycloak_port: int = 58080
    keycloak_management_port: int = 59000
    keycloak_realm: str = "rtw"
    smtp_port: int = 51025

    kafka_version: str = "4.4.0"
    keycloak_version: str = "26.4.7"

    service_databases: tuple[str, ...] = SERVICE_NAMES
    # `make up REPLICAS=N`: each API as N uvicorn processes on its one port, N workers per consumer group.
    replicas: int = Field(default=1, ge=1, le=MAX_REPLICAS)

    @cached_property
    def run_dir(self) -> Path:
        return self.data_dir / "run"

    @cached_property
    def log_dir(self) -> Path:
        return self.data_dir / "logs"

    @property
    def deploy_dir(self) -> Path:
        return self.repo_root / "deploy"

    @property
    def kafka_admin(self) -> KafkaPrincipal:
        """The stack's super user on the broker (topics, principals, ACLs, tools and tests)."""
        return KafkaPrincipal("admin", self.kafka_admin_password)

    @property
    def kafka_bootstrap(self) -> str:
        return f"{self.host}:{self.kafka_port}"

    @property
    def keycloak_url(self) -> str:
        return f"http://{self.host}:{self.keycloak_port}"

    @property
    def keycloak_issuer(self) -> str:
        return f"{self.keycloak_url}/realms/{self.keycloak_realm}"

    @property
    def maildir(self) -> Path:
        return self.data_dir / "mail"

    def pg_dsn(self, database: str = "postgres") -> str:
        return f"postgresql://{self.pg_user}:{self.pg_password}@{self.host}:{self.pg_port}/{database}"

    def sqlalchemy_url(self, database: str, *, as_app: bool) -> str:
        """A service database's URL for SQLAlchemy, as the application role or as the owner."""
        user, password = (self.pg_app_user, self.pg_app_password) if as_app else (self.pg_user, self.pg_password)
        return f"postgresql+psycopg://{user}:{password}@{self.host}:{self.pg_port}/{database}"
