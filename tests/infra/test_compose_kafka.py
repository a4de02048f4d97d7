"""docker compose's broker (deploy/kafka/start-authenticated.sh), run here on free ports from the
Kafka jars `make up` uses, with two lines standing in for the apache/kafka image's own start
scripts: no anonymous client gets in, and once provisioned as compose's `kafka-access` does it
(`python -m rtw_devstack.kafka_access`), each service's principal may do only its own part."""

from __future__ import annotations

import os
import subprocess
import uuid
from pathlib import Path

import pytest
from kafka.errors import KafkaError, TopicAuthorizationFailedError

from rtw_devstack import tools
from rtw_devstack.config import StackSettings
from rtw_devstack.kafka import JAVA_MAJOR, Kafka
from rtw_devstack.procs import wait_until
from rtw_devstack.system import free_port
from rtw_shared.messaging.clients import KafkaPrincipal, make_admin, make_producer

ROOT = Path(__file__).resolve().parents[2]
ADMIN = KafkaPrincipal("admin", "compose-admin-secret")


def image_scripts(home: Path, java: Path, libs: Path, log4j: Path) -> None:
    """`bin/kafka-storage.sh` and `bin/kafka-server-start.sh`, as the apache/kafka image has them."""
    classpath = f'-cp "{libs}/*"'
    for script, main in (("kafka-storage.sh", "kafka.tools.StorageTool"), ("kafka-server-start.sh", "kafka.Kafka")):
        path = home / "bin" / script
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(
            f'#!/bin/sh\nexec "{java}" -Xmx512m -Dlog4j2.configurationFile={log4j} {classpath} {main} "$@"\n'
        )
        path.chmod(0o755)


@pytest.fixture(scope="module")
def compose_broker(rtw_infra, tmp_path_factory):
    settings = StackSettings()
    home, data = tmp_path_factory.mktemp("kafka-image"), tmp_path_factory.mktemp("kafka-data")
    java = tools.java_home(JAVA_MAJOR, env_var="RTW_KAFKA_JAVA_HOME") / "bin" / "java"
    image_scripts(home, java, Kafka(settings).libs_dir, ROOT / "deploy" / "kafka" / "log4j2.xml")
    port = free_port()
    env = {
        **os.environ,
        "KAFKA_ADMIN_PASSWORD": ADMIN.password,
        "KAFKA_HOME": str(home),
        "KAFKA_DATA": str(data),
        "INTERNAL_LISTENER": f"127.0.0.1:{free_port()}",
        "EXTERNAL_LISTENER": f"127.0.0.1:{port}",
        "EXTERNAL_ADVERTISED": f"127.0.0.1:{port}",
        "CONTROLLER_PORT": str(free_port()),
    }
    env["INTERNAL_ADVERTISED"] = env["INTERNAL_LISTENER"]  # other containers' address, here loopback
    with open(data / "broker.log", "wb") as log:
        broker = subprocess.Popen(
            ["bash", str(ROOT / "deploy" / "kafka" / "start-authenticated.sh")], env=env, stdout=log, stderr=log
        )
    bootstrap = f"127.0.0.1:{port}"

    def answers_admin() -> bool:
        try:
            make_admin(bootstrap, principal=ADMIN, request_timeout_ms=3000).close()
            return True
        except KafkaError:
            return False

    try:
        assert wait_until(answers_admin, 120, interval=1), (data / "broker.log").read_text()[-3000:]
        yield bootstrap, data
    finally:
        broker.terminate()
        broker.wait(30)


def test_the_compose_broker_refuses_anonymous_clients_and_wrong_passwords(compose_broker):
    bootstrap, _ = compose_broker
    # A refused client keeps retrying until its bootstrap gives up: 2 s each, not the default 30 (nor 5).
    quick = {"max_block_ms": 2000, "request_timeout_ms": 2000, "bootstrap_timeout_ms": 2000}
    with pytest.raises(KafkaError):
        make_producer(bootstrap, security_protocol="PLAINTEXT", **quick)  # no credentials at all
    with pytest.raises(KafkaError):
        make_producer(bootstrap, principal=KafkaPrincipal("admin", "guessed"), **quick)


def test_provisioned_like_compose_each_service_writes_its_own_topics_only(compose_broker, monkeypatch):
    from rtw_devstack import kafka_access

    bootstrap, data = compose_broker
    monkeypatch.setenv("RTW_KAFKA_PASSWORD_INTAKE", "intake-compose-secret")
    monkeypatch.setenv("RTW_KAFKA_USERNAME", ADMIN.username)
    monkeypatch.setenv("RTW_KAFKA_PASSWORD", ADMIN.password)
    kafka_access.main(["--bootstrap", bootstrap])
    kafka_access.main(["--bootstrap", bootstrap])  # idempotent: compose may run it again

    intake = make_producer(bootstrap, principal=KafkaPrincipal("intake", "intake-compose-secret"))
    intake.send("intake.case.v1", key=b"k", value=b"{}").get(timeout=30)
    employer = make_producer(bootstrap, principal=kafka_access.dev_principal("employer"), max_block_ms=10000)
    with pytest.raises(TopicAuthorizationFailedError):
        employer.send("intake.case.v1", key=b"k", value=str(uuid.uuid4()).encode()).get(timeout=30)
    intake.close()
    employer.close()
    # The healthcheck's client settings hold the admin's credentials, readable by the broker's user only.
    settings_file = data / "admin-client.properties"
    assert "SCRAM-SHA-512" in settings_file.read_text() and oct(settings_file.stat().st_mode)[-3:] == "600"
