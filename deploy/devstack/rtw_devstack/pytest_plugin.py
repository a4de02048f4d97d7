"""pytest fixtures for the real servers (registered through the `pytest11` entry point).

By default the session reuses a stack that `make up` already runs and starts whatever is
missing as plain processes, stopping at the end only what it started. Tests never disturb the
stack's data: each gets its own scratch database and its own topics.

With RTW_INFRA=containers (a machine with Docker) the same fixtures start PostgreSQL, Kafka and
Keycloak with testcontainers instead (see containers.py)."""

from __future__ import annotations

import contextlib
import os
import uuid
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

import psycopg
import pytest

from rtw_shared.services import SERVICE_NAMES
from rtw_shared.settings import KafkaPrincipal

from . import kafka_access, stack
from .config import StackSettings
from .mail import ReceivedMail, received

if TYPE_CHECKING:
    from rtw_shared.settings import ServiceSettings
    from rtw_shared.testing import ManualClock, Tokens

SettingsT = TypeVar("SettingsT", bound="ServiceSettings")
Seed = Callable[[str], None]  # given a template's owner URL once: what every copy of it starts with


@dataclass(frozen=True)
class Infra:
    """Where the real servers of this test session are."""

    pg_host: str
    pg_port: int
    pg_user: str
    pg_password: str
    kafka_bootstrap: str
    keycloak_url: str
    keycloak_realm: str
    smtp_host: str
    smtp_port: int
    maildir: Path
    service_databases: tuple[str, ...] = field(default=SERVICE_NAMES)
    # The broker's super user, when the broker requires authentication (the process stack does).
    kafka_admin: KafkaPrincipal | None = None

    @property
    def keycloak_issuer(self) -> str:
        return f"{self.keycloak_url}/realms/{self.keycloak_realm}"

    def pg_dsn(self, database: str = "postgres") -> str:
        return f"postgresql://{self.pg_user}:{self.pg_password}@{self.pg_host}:{self.pg_port}/{database}"

    def received_mail(self) -> list[ReceivedMail]:
        return received(self.maildir)


def infra_from_settings(settings: StackSettings) -> Infra:
    return Infra(
        pg_host=settings.host,
        pg_port=settings.pg_port,
        pg_user=settings.pg_user,
        pg_password=settings.pg_password,
        kafka_bootstrap=settings.kafka_bootstrap,
        keycloak_url=settings.keycloak_url,
        keycloak_realm=settings.keycloak_realm,
        smtp_host=settings.host,
        smtp_port=settings.smtp_port,
        maildir=settings.maildir,
        service_databases=settings.service_databases,
        kafka_admin=settings.kafka_admin,
    )


def pytest_sessionstart(session: pytest.Session) -> None:
    """With pytest-xdist, start the infrastructure in the controller before its workers exist, so two
    workers never race to start one PostgreSQL (without it, the first test that needs it does)."""
    if _leads_xdist_workers(session.config):
        _ensure_infrastructure(session.config)


def pytest_sessionfinish(session: pytest.Session) -> None:
    """Stop, once every test is over, only what this run started (a stack `make up` runs is left alone)."""
    started = session.config.stash.get(_STARTED, [])
    if started and os.environ.get("RTW_KEEP_STACK") != "1":
        with _progress_shown(session.config):
            stack.stop(StackSettings(), started)


_STARTED = pytest.StashKey[list[str]]()


def _ensure_infrastructure(config: pytest.Config) -> None:
    """Start what of the infrastructure does not run yet (once per run) and remember it, to stop it at the end."""
    if _STARTED in config.stash or os.environ.get("RTW_INFRA", "processes") == "containers":
        return
    with _progress_shown(config):
        outcomes = stack.ensure(StackSettings(), list(stack.INFRASTRUCTURE))
    config.stash[_STARTED] = [o.name for o in outcomes if o.started]


def _is_xdist_worker(config: pytest.Config) -> bool:
    return hasattr(config, "workerinput")


def _leads_xdist_workers(config: pytest.Config) -> bool:
    return not _is_xdist_worker(config) and bool(getattr(config.option, "numprocesses", None))


@pytest.fixture(scope="session")
def rtw_infra(pytestconfig: pytest.Config) -> Iterator[Infra]:
    """The real PostgreSQL, Kafka, Keycloak and SMTP sink for this test session: started if needed (by
    the xdist controller, when there is one), stopped when the run ends if this run started them."""
    if os.environ.get("RTW_INFRA", "processes") == "containers":
        from .containers import containers_infra

        with _progress_shown(pytestconfig), containers_infra() as infra:
            yield infra
        return
    if not _is_xdist_worker(pytestconfig):
        _ensure_infrastructure(pytestconfig)
    settings = StackSettings()
    # The tests' own Kafka clients (rtw_shared.messaging.clients) authenticate as the admin.
    kafka_access.act_as(settings.kafka_admin)
    yield infra_from_settings(settings)


def _progress_shown(pytestconfig: pytest.Config) -> AbstractContextManager[None]:
    """Let the stack's progress lines through pytest's capture: starting it takes a while."""
    capture = pytestconfig.pluginmanager.getplugin("capturemanager")
    return capture.global_and_fixture_disabled() if capture else contextlib.nullcontext()


@pytest.fixture
def scratch_database(rtw_infra: Infra) -> Iterator[str]:
    """A new empty database for one test (its DSN), dropped afterwards."""
    name = f"test_{uuid.uuid4().hex[:12]}"
    with psycopg.connect(rtw_infra.pg_dsn(), autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    yield rtw_infra.pg_dsn(name)
    with psycopg.connect(rtw_infra.pg_dsn(), autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture
def fresh_topic(rtw_infra: Infra) -> Iterator[Callable[..., str]]:
    """Creates topics private to one test (`fresh_topic(partitions=3)` → name); deletes them."""
    from kafka.admin import NewTopic

    from rtw_shared.messaging.clients import make_admin

    admin = make_admin(rtw_infra.kafka_bootstrap, client_id="rtw-tests")
    created: list[str] = []

    def make(partitions: int = 1, prefix: str = "test") -> str:
        name = f"{prefix}.{uuid.uuid4().hex[:12]}"
        admin.create_topics([NewTopic(name=name, num_partitions=partitions, replication_factor=1)])
        created.append(name)
        return name

    yield make
    if created:
        admin.delete_topics(created)
    admin.close()


@pytest.fixture
def clock() -> ManualClock:
    """A clock the test moves by hand (`clock.move(days=2)`), starting at the real time: give it to the
    app (`create_app(settings, clock=clock)`) and the worker loops, and build the test's times from it."""
    from rtw_shared.testing import ManualClock

    return ManualClock()


@pytest.fixture(scope="session")
def tokens(rtw_infra: Infra) -> Tokens:
    """Real access tokens for the demo users and clients (`tokens.headers("tara")`)."""
    from rtw_shared.testing import Tokens

    return Tokens(rtw_infra.keycloak_url, rtw_infra.keycloak_realm)


@pytest.fixture(scope="session")
def topic_prefix(rtw_infra: Infra) -> Iterator[str]:
    """A private copy of every catalogue topic for this test session (`<prefix>intake.case.v1`),
    so tests never see a running stack's events, nor it theirs. Deleted at the end of the session."""
    from rtw_shared.messaging.clients import ensure_topics
    from rtw_shared.testing import delete_topics
    from rtw_shared.topics import topic_partitions

    prefix = f"t{uuid.uuid4().hex[:8]}."
    topics = {prefix + name: n for name, n in topic_partitions().items()}
    ensure_topics(rtw_infra.kafka_bootstrap, topics)
    yield prefix
    delete_topics(rtw_infra.kafka_bootstrap, list(topics))


@pytest.fixture(scope="session")
def scratch_tablespace(rtw_infra: Infra) -> Iterator[str | None]:
    """This session's tablespace in memory for the databases it makes and drops (rtw_devstack.postgres:
    creating them on ext4 cost ~0.2 s each); None: the default one (a server in a container, no /dev/shm)."""
    if os.environ.get("RTW_INFRA", "processes") == "containers":
        yield None
        return
    from .postgres import scratch_tablespace as in_memory

    with in_memory(StackSettings()) as name:
        yield name


@pytest.fixture(scope="session")
def migrated_templates(
    rtw_infra: Infra, scratch_tablespace: str | None
) -> Iterator[Callable[[Path, str, Seed | None], str]]:
    """`template_for(migrations_dir, prefix, seed)` → a database migrated to head ONCE per test session
    (per migrations folder and seed), then given `seed(owner_url)` (what every copy should start
    with), for tests to copy (their copies share its tablespace); all dropped at the end."""
    from rtw_shared.testing import create_migrated_database, drop_database

    templates: dict[tuple[Path, str | None], str] = {}

    def template_for(migrations_dir: Path, prefix: str, seed: Seed | None = None) -> str:
        key = (Path(migrations_dir).resolve(), seed.__qualname__ if seed else None)
        if key not in templates:
            name, url = create_migrated_database(
                rtw_infra.pg_dsn(), key[0], prefix=f"template_{prefix}", tablespace=scratch_tablespace
            )
            if seed is not None:
                seed(url)
            templates[key] = name
        return templates[key]

    yield template_for
    for name in templates.values():
        drop_database(rtw_infra.pg_dsn(), name)


@pytest.fixture
def migrated_database(
    rtw_infra: Infra, migrated_templates: Callable[[Path, str, Seed | None], str]
) -> Iterator[Callable[..., str]]:
    """Factory: `migrated_database(migrations_dir, prefix, seed=None)` → SQLAlchemy URL of a new
    database at head (a copy of the session's migrated, seeded template); each is dropped after the test."""
    from rtw_shared.testing import clone_database, drop_database

    made: list[str] = []

    def make(migrations_dir: Path, prefix: str = "test", seed: Seed | None = None) -> str:
        url: str
        template = migrated_templates(migrations_dir, prefix, seed)
        name, url = clone_database(rtw_infra.pg_dsn(), template, prefix=prefix)
        made.append(name)
        return url

    yield make
    for name in made:
        drop_database(rtw_infra.pg_dsn(), name)


@pytest.fixture
def service_settings(
    rtw_infra: Infra, migrated_database: Callable[..., str], topic_prefix: str
) -> Callable[..., ServiceSettings]:
    """Factory: `service_settings(IntakeSettings, migrations_dir)` → the service's settings on a
    new migrated database, wired to this session's servers and private topics."""

    from rtw_shared.testing import app_url

    def make(
        settings_class: type[SettingsT], migrations_dir: Path, *, seed: Seed | None = None, **overrides: Any
    ) -> SettingsT:
        """`seed`: what the session's template gets once (migrated_templates); `overrides`: field values
        by name, validated by the settings class."""
        name = settings_class.model_fields["service_name"].default
        owner_url = migrated_database(migrations_dir, name, seed)
        wiring: dict[str, Any] = dict(
            database_url=app_url(owner_url),
            migration_database_url=owner_url,
            topic_prefix=topic_prefix,
            kafka_bootstrap=rtw_infra.kafka_bootstrap,
            keycloak_url=rtw_infra.keycloak_url,
            keycloak_issuer=rtw_infra.keycloak_issuer,
            smtp_host=rtw_infra.smtp_host,
            smtp_port=rtw_infra.smtp_port,
            log_json=False,
        )
        settings: SettingsT = settings_class(**{**wiring, **overrides})
        return settings

    return make


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Run the longest modules first, so that with pytest-xdist (`make test`) the last minutes are not
    one worker finishing a chaos run while the other idles: modules with `slow` tests that start whole
    systems (top-level tests/), then other modules with `slow` tests, then the rest; collection order
    otherwise."""
    slow_modules = {item.path for item in items if item.get_closest_marker("slow")}

    def weight(item: pytest.Item) -> int:
        if item.path not in slow_modules:
            return 2
        return 0 if item.path.relative_to(config.rootpath).parts[0] == "tests" else 1

    items.sort(key=weight)  # stable: the order within each weight is kept
