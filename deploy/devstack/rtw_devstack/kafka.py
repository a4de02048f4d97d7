"""A single-node Kafka 4.x in KRaft mode (broker and controller in one process).

The broker's jars come from Maven Central through `deploy/kafka/pom.xml`, cached outside the
checkout; the storage is formatted once with `kafka.tools.StorageTool`; the topics of
`rtw_shared.topics` are created at start with explicit partition counts.

Clients must authenticate: the only client listener is SASL_PLAINTEXT with SCRAM-SHA-512 (no
anonymous listener), and the standard KRaft authorizer denies what no ACL allows. The `admin`
principal is created when the storage is formatted; the services' principals and their ACLs
(rtw_devstack.kafka_access) on every `up`. The controller listener is plaintext and reachable
only on the loopback address (it serves no produce or fetch requests)."""

from __future__ import annotations

import base64
import shutil
import uuid
from pathlib import Path

from kafka.errors import KafkaError

from rtw_shared.messaging.clients import ensure_topics, make_admin
from rtw_shared.services import SERVICE_NAMES
from rtw_shared.settings import KafkaPrincipal
from rtw_shared.topics import topic_partitions

from . import kafka_access, procs, tools, ui
from .config import StackSettings

NAME = "kafka"
JAVA_MAJOR = 17


class Kafka:
    name = NAME

    def __init__(self, settings: StackSettings):
        self.settings = settings

    @property
    def libs_dir(self) -> Path:
        return self.settings.cache_dir / f"kafka-{self.settings.kafka_version}" / "libs"

    @property
    def home(self) -> Path:
        return self.settings.data_dir / "kafka"

    @property
    def properties_file(self) -> Path:
        return self.home / "server.properties"

    def is_ready(self) -> bool:
        """Ready means the broker answers a metadata request, not merely that its port is open."""
        if not procs.port_open(self.settings.host, self.settings.kafka_port):
            return False
        try:
            admin = make_admin(
                self.settings.kafka_bootstrap,
                principal=self.settings.kafka_admin,
                request_timeout_ms=3000,
                client_id="rtw-stack-probe",
            )
        except (KafkaError, OSError, ValueError):
            return False
        try:
            return bool(admin.describe_cluster().get("brokers"))
        except (KafkaError, OSError):
            return False
        finally:
            admin.close()

    def install(self) -> None:
        """Fetch the broker's jars from Maven Central into the cache, once per version."""
        marker = self.libs_dir / f"kafka_2.13-{self.settings.kafka_version}.jar"
        if marker.exists():
            return
        with ui.step(NAME, f"downloading Kafka {self.settings.kafka_version} from Maven Central"):
            staging = self.libs_dir.with_name("libs.partial")
            shutil.rmtree(staging, ignore_errors=True)
            procs.run(
                [
                    tools.maven(),
                    "-B",
                    "-q",
                    "-f",
                    str(self.settings.deploy_dir / "kafka" / "pom.xml"),
                    f"-Dkafka.version={self.settings.kafka_version}",
                    "dependency:copy-dependencies",
                    f"-DoutputDirectory={staging}",
                ],
                what="mvn dependency:copy-dependencies (Kafka)",
            )
            staging.rename(self.libs_dir)

    def start(self) -> None:
        self.install()
        java = tools.java_home(JAVA_MAJOR, env_var="RTW_KAFKA_JAVA_HOME") / "bin" / "java"
        admin = self.settings.kafka_admin
        self._write_properties()
        self._forget_storage_without_authentication()
        if not (self.home / "storage" / "meta.properties").exists():
            with ui.step(NAME, "formatting KRaft storage"):
                procs.run(
                    [
                        str(java),
                        *self._jvm_args(),
                        *_format_arguments(_cluster_id(), self.properties_file, admin),
                    ],
                    what="kafka StorageTool format",
                )
            self.authenticated_marker.touch()
        with ui.step(NAME, f"starting broker on {self.settings.kafka_bootstrap}"):
            procs.spawn(self.settings, NAME, [str(java), *self._jvm_args(), "kafka.Kafka", str(self.properties_file)])
            if not procs.wait_until(self._started_and_ready, 120, interval=0.5):
                raise procs.fail_with_log(self.settings, NAME, "Kafka did not become ready in 120s")

    def provision(self) -> None:
        """Create the topics that are missing, the services' principals and their ACLs (idempotent;
        runs on every `up`)."""
        created = ensure_topics(self.settings.kafka_bootstrap, topic_partitions(), principal=self.settings.kafka_admin)
        if created:
            ui.say(NAME, f"topics created: {', '.join(created)}")
        admin = make_admin(self.settings.kafka_bootstrap, principal=self.settings.kafka_admin)
        try:
            kafka_access.ensure_principals(admin, [kafka_access.dev_principal(name) for name in SERVICE_NAMES])
            kafka_access.grant(admin)
        finally:
            admin.close()

    @property
    def authenticated_marker(self) -> Path:
        return self.home / "storage" / ".rtw-sasl"

    def _forget_storage_without_authentication(self) -> None:
        """A storage formatted before the broker required authentication has no admin principal:
        format it again (development data only: the services' outboxes keep what they published)."""
        storage = self.home / "storage"
        if (storage / "meta.properties").exists() and not self.authenticated_marker.exists():
            ui.say(NAME, "storage predates authentication: formatting it again (topics are re-created)")
            shutil.rmtree(storage)

    def _started_and_ready(self) -> bool:
        if procs.running_pid(self.settings, NAME) is None:
            raise procs.fail_with_log(self.settings, NAME, "Kafka exited during start")
        return self.is_ready()

    def stop(self) -> None:
        procs.terminate(self.settings, NAME, grace_seconds=30)

    def describe(self) -> str:
        return f"bootstrap {self.settings.kafka_bootstrap}"

    def _jvm_args(self) -> list[str]:
        return [
            "-Xms256m",
            "-Xmx768m",
            "-XX:+UseG1GC",
            "-Djava.awt.headless=true",
            f"-Dlog4j2.configurationFile={self.settings.deploy_dir / 'kafka' / 'log4j2.xml'}",
            f"-Dkafka.logs.dir={self.settings.log_dir}",
            "-cp",
            f"{self.libs_dir}/*",
        ]

    def _write_properties(self) -> None:
        s = self.settings
        self.home.mkdir(parents=True, exist_ok=True)
        self.properties_file.write_text(
            "# Written by rtw-stack on every start; edit rtw_devstack/kafka.py instead.\n"
            "process.roles=broker,controller\n"
            "node.id=1\n"
            f"controller.quorum.voters=1@{s.host}:{s.kafka_controller_port}\n"
            f"listeners=SASL_PLAINTEXT://{s.host}:{s.kafka_port},CONTROLLER://{s.host}:{s.kafka_controller_port}\n"
            f"advertised.listeners=SASL_PLAINTEXT://{s.host}:{s.kafka_port}\n"
            "controller.listener.names=CONTROLLER\n"
            "inter.broker.listener.name=SASL_PLAINTEXT\n"
            "listener.security.protocol.map=CONTROLLER:PLAINTEXT,SASL_PLAINTEXT:SASL_PLAINTEXT\n"
            "sasl.enabled.mechanisms=SCRAM-SHA-512\n"
            "sasl.mechanism.inter.broker.protocol=SCRAM-SHA-512\n"
            "listener.name.sasl_plaintext.scram-sha-512.sasl.jaas.config="
            "org.apache.kafka.common.security.scram.ScramLoginModule required "
            f'username="{s.kafka_admin.username}" password="{s.kafka_admin.password}";\n'
            "authorizer.class.name=org.apache.kafka.metadata.authorizer.StandardAuthorizer\n"
            # admin: the stack's own tooling; ANONYMOUS: the broker talking to its own controller
            # over the loopback-only controller listener.
            f"super.users=User:{s.kafka_admin.username};User:ANONYMOUS\n"
            "allow.everyone.if.no.acl.found=false\n"
            f"log.dirs={self.home / 'storage'}\n"
            # Topics are created deliberately, with their partition counts, never by accident.
            "auto.create.topics.enable=false\n"
            "num.partitions=6\n"
            "offsets.topic.replication.factor=1\n"
            "offsets.topic.num.partitions=10\n"
            "transaction.state.log.replication.factor=1\n"
            "transaction.state.log.min.isr=1\n"
            "share.coordinator.state.topic.replication.factor=1\n"
            "share.coordinator.state.topic.min.isr=1\n"
            # One node: no reason to wait for more members before the first rebalance.
            "group.initial.rebalance.delay.ms=0\n"
            "log.retention.hours=168\n"
        )


def _format_arguments(cluster_id: str, properties: Path, admin: KafkaPrincipal) -> list[str]:
    """The storage tool's command line: the cluster id attached to its flag (see `_cluster_id`)."""
    return [
        "kafka.tools.StorageTool",
        "format",
        f"--cluster-id={cluster_id}",
        "-c",
        str(properties),
        "--add-scram",
        f"SCRAM-SHA-512=[name={admin.username},password={admin.password}]",
    ]


def _cluster_id() -> str:
    """A Kafka cluster id: 16 random bytes, URL-safe base64 without padding. One in 64 starts with "-",
    which the storage tool would read as an option: pass it as `--cluster-id=<id>`, never as a separate
    argument (Kafka's own `Uuid.randomUuid()` redraws such ids for the same reason)."""
    return base64.urlsafe_b64encode(uuid.uuid4().bytes).decode().rstrip("=")
