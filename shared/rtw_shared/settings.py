"""Settings every RTW process shares. Each service subclasses `ServiceSettings` with its own
env prefix (`RTW_INTAKE_`, …) and defaults that match the local stack, so a process started
with no environment at all talks to `make up`'s servers."""

from __future__ import annotations

import os
from dataclasses import dataclass
from typing import Literal, Self

from pydantic import model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict
from sqlalchemy.engine import make_url

from .clock import OFFSET_FILE_ENV

# Passwords that exist only in the development stack (deploy/devstack, docker-compose.yml).
DEVELOPMENT_PASSWORDS = frozenset({"rtw_app", "rtw", "admin", "demo"})
# Kafka principals of the development stack have passwords ending in this (deploy/devstack).
DEVELOPMENT_KAFKA_PASSWORD_SUFFIX = "-dev-secret"  # noqa: S105 — a marker to refuse, not a secret


@dataclass(frozen=True)
class KafkaPrincipal:
    """Who a client is to the broker (the Kafka clients of rtw_shared.messaging.clients take one)."""

    username: str
    password: str

    def __repr__(self) -> str:  # never print the password
        return f"KafkaPrincipal({self.username!r})"


class ServiceSettings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="RTW_", extra="ignore", frozen=True)

    service_name: str = "rtw"
    # `production` refuses to start with anything that only makes sense on a developer's machine
    # (see `production_problems`); README "Running in production".
    environment: Literal["development", "production"] = "development"
    # The service runs as an application role that may read and write rows but owns nothing
    # (it cannot alter tables, disable triggers or rewrite the audit log); migrations run as the
    # owner. Without a migration URL, migrations use `database_url`.
    database_url: str = "postgresql+psycopg://rtw_app:rtw_app@127.0.0.1:55432/postgres"
    migration_database_url: str | None = None
    # Connections an API keeps open, and also how many requests it runs at once (its thread
    # limiter): a request beyond that waits for a thread, which costs microseconds, instead of
    # opening a connection, which costs milliseconds and is thrown away after (make bench).
    db_pool_size: int = 20

    kafka_bootstrap: str = "127.0.0.1:59092"
    # The service's own principal on the broker (SASL/SCRAM); the broker's ACLs let it write only
    # the topics it owns and read only those it consumes. Unset: RTW_KAFKA_USERNAME/PASSWORD.
    kafka_username: str | None = None
    kafka_password: str | None = None
    # Prepended to every topic name: lets a test run its own copy of the system beside a
    # running stack without either seeing the other's events.
    topic_prefix: str = ""

    # Where to fetch signing keys (may be an internal address) …
    keycloak_url: str = "http://127.0.0.1:58080"
    keycloak_realm: str = "rtw"
    # … and the exact `iss` tokens must carry (the public address people sign in at).
    keycloak_issuer: str = "http://127.0.0.1:58080/realms/rtw"
    token_audience: str = "rtw-api"  # noqa: S105 — an audience name, not a secret

    # Request bodies above this many bytes are refused with 413 before they are read.
    max_body_bytes: int = 1_048_576
    # 429 beyond these (rtw_shared.ratelimit): per token subject, and per client address for
    # requests without a valid token. "" turns one off — only the load-test profile does.
    rate_limit_per_caller: str = "100/second;3000/minute"
    rate_limit_per_address: str = "20/second;300/minute"

    smtp_host: str = "127.0.0.1"
    smtp_port: int = 51025
    mail_from: str = "rtw-noreply@rtw.example"

    log_level: str = "INFO"
    log_json: bool = True

    # Consumer: how often a failing event is retried before it goes to the dead-letter topic.
    consumer_max_attempts: int = 3
    # Relay: how often an outbox row may fail to publish before it is marked dead.
    relay_max_attempts: int = 10
    relay_poll_seconds: float = 1.0
    # The worker answers GET /healthz and /metrics on this port (0: no health endpoint), on this
    # address: loopback for a supervisor on the same machine; all addresses (0.0.0.0) where a kubelet
    # probes it and Prometheus scrapes it from outside the pod (deploy/helm/rtw).
    worker_health_port: int = 0
    worker_health_host: str = "127.0.0.1"
    # Published outbox rows and inbox rows older than this are deleted (rtw_shared.messaging.pruning);
    # keep it longer than the topics' retention, or a replayed event could be applied twice.
    retention_days: float = 7.0
    prune_every_seconds: float = 3600.0

    @property
    def kafka_principal(self) -> KafkaPrincipal | None:
        if self.kafka_username and self.kafka_password:
            return KafkaPrincipal(self.kafka_username, self.kafka_password)
        return None

    @model_validator(mode="after")
    def _refuse_development_values_in_production(self) -> Self:
        if self.environment == "production" and (problems := self.production_problems()):
            raise ValueError("refusing to start in production: " + "; ".join(problems))
        return self

    def production_problems(self) -> list[str]:
        """What in these settings is fit only for development (services add their own)."""
        problems = []
        for name in ("database_url", "migration_database_url"):
            url = getattr(self, name)
            if url and make_url(url).password in DEVELOPMENT_PASSWORDS:
                problems.append(f"{name} uses a development password")
        if not self.kafka_username or (self.kafka_password or "").endswith(DEVELOPMENT_KAFKA_PASSWORD_SUFFIX):
            problems.append("kafka_username/kafka_password must name the service's own broker principal")
        if not self.keycloak_issuer.startswith("https://"):
            problems.append("keycloak_issuer must be an https:// address")
        if os.environ.get(OFFSET_FILE_ENV):
            problems.append(f"{OFFSET_FILE_ENV} (a movable clock) is set")
        return problems
