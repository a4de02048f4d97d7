"""The testcontainers path (RTW_INFRA=containers, on a machine with a Docker engine).

Same servers, same realm file, official images: postgres, apache/kafka (4.x, KRaft) and
quay.io/keycloak/keycloak (26.x). The SMTP sink stays our own small process. CI here has no
Docker and runs the plain-process path; this path is for developers who have Docker."""

from __future__ import annotations

import socket
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from pathlib import Path
from typing import TYPE_CHECKING

import psycopg

from rtw_shared.services import SERVICE_NAMES

from .config import REPO_ROOT
from .postgres import ensure_app_role
from .procs import port_open, wait_until

if TYPE_CHECKING:
    from .pytest_plugin import Infra

POSTGRES_IMAGE = "postgres:16-alpine"
KAFKA_IMAGE = "apache/kafka:4.1.0"
KEYCLOAK_IMAGE = "quay.io/keycloak/keycloak:26.4"
REALM_FILE = REPO_ROOT / "deploy" / "keycloak" / "realm-rtw.json"


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def _kafka(stack: ExitStack) -> str:
    """A single-node KRaft broker whose advertised address is the host port we chose."""
    from testcontainers.core.container import DockerContainer
    from testcontainers.core.waiting_utils import wait_for_logs

    port = _free_port()
    container = (
        DockerContainer(KAFKA_IMAGE)
        .with_bind_ports(9092, port)
        .with_env("KAFKA_NODE_ID", "1")
        .with_env("KAFKA_PROCESS_ROLES", "broker,controller")
        .with_env("KAFKA_LISTENERS", "PLAINTEXT://:9092,CONTROLLER://:9093")
        .with_env("KAFKA_ADVERTISED_LISTENERS", f"PLAINTEXT://127.0.0.1:{port}")
        .with_env("KAFKA_CONTROLLER_LISTENER_NAMES", "CONTROLLER")
        .with_env("KAFKA_LISTENER_SECURITY_PROTOCOL_MAP", "CONTROLLER:PLAINTEXT,PLAINTEXT:PLAINTEXT")
        .with_env("KAFKA_CONTROLLER_QUORUM_VOTERS", "1@localhost:9093")
        .with_env("KAFKA_OFFSETS_TOPIC_REPLICATION_FACTOR", "1")
        .with_env("KAFKA_TRANSACTION_STATE_LOG_REPLICATION_FACTOR", "1")
        .with_env("KAFKA_TRANSACTION_STATE_LOG_MIN_ISR", "1")
        .with_env("KAFKA_GROUP_INITIAL_REBALANCE_DELAY_MS", "0")
        .with_env("KAFKA_AUTO_CREATE_TOPICS_ENABLE", "false")
    )
    stack.enter_context(container)
    wait_for_logs(container, "Kafka Server started", timeout=120)
    return f"127.0.0.1:{port}"


def _keycloak(stack: ExitStack) -> str:
    from testcontainers.keycloak import KeycloakContainer

    container = KeycloakContainer(KEYCLOAK_IMAGE).with_realm_import_file(str(REALM_FILE))
    stack.enter_context(container)
    return container.get_url().rstrip("/")


def _postgres(stack: ExitStack, databases: tuple[str, ...]) -> tuple[str, int]:
    from testcontainers.postgres import PostgresContainer

    container = PostgresContainer(POSTGRES_IMAGE, username="rtw", password="rtw", dbname="postgres")
    stack.enter_context(container)
    host, port = container.get_container_host_ip(), int(container.get_exposed_port(5432))
    dsn = f"postgresql://rtw:rtw@{host}:{port}/postgres"
    with psycopg.connect(dsn, autocommit=True) as conn:
        for name in databases:
            conn.execute(f'CREATE DATABASE "{name}"')
    ensure_app_role(dsn, "rtw_app", "rtw_app")
    return host, port


def _smtp_sink(stack: ExitStack, maildir: Path) -> int:
    port = _free_port()
    process = subprocess.Popen(
        [sys.executable, "-m", "rtw_devstack.smtp_sink", "--port", str(port), "--maildir", str(maildir)]
    )
    stack.callback(process.terminate)
    wait_until(lambda: port_open("127.0.0.1", port), 20)
    return port


@contextmanager
def containers_infra() -> Iterator[Infra]:
    from rtw_shared.messaging.clients import ensure_topics
    from rtw_shared.topics import topic_partitions

    from .pytest_plugin import Infra

    databases = SERVICE_NAMES
    with ExitStack() as stack:
        pg_host, pg_port = _postgres(stack, databases)
        bootstrap = _kafka(stack)
        ensure_topics(bootstrap, topic_partitions())
        keycloak_url = _keycloak(stack)
        maildir = Path(stack.enter_context(tempfile.TemporaryDirectory())) / "mail"
        smtp_port = _smtp_sink(stack, maildir)
        yield Infra(
            pg_host=pg_host,
            pg_port=pg_port,
            pg_user="rtw",
            pg_password="rtw",
            kafka_bootstrap=bootstrap,
            keycloak_url=keycloak_url,
            keycloak_realm="rtw",
            smtp_host="127.0.0.1",
            smtp_port=smtp_port,
            maildir=maildir,
            service_databases=databases,
        )
