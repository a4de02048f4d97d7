"""Helpers for tests against the real servers (the fixtures live in rtw_devstack's plugin)."""

from __future__ import annotations

import sys
import threading
import time
import uuid
from collections.abc import Callable, Mapping
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any, Generic, Protocol, TypeVar

import psycopg
from keycloak import KeycloakOpenID
from sqlalchemy import MetaData

from .messaging.wiring import Handler, RunHandler, each_in_turn
from .migrations import upgrade

DEMO_PASSWORD = "demo"  # noqa: S105 — the published password of the development realm's demo users
TOKEN_REUSE_SECONDS = 200
# The development realm's users: username -> (realm role, org_id). README.md, "Demo logins".
DEMO_USERS = {
    "tara": ("therapist", "clinic-north"),
    "theo": ("therapist", "clinic-south"),
    "erin": ("employer", "acme"),
    "evan": ("employer", "globex"),
    "ivy": ("insurer", "northwind"),
    "ian": ("insurer", "contoso"),
    "ada": ("admin", "platform"),
}  # access tokens live 300 s in the demo realm


class Tokens:
    """Real access tokens from Keycloak, reused while fresh (asking costs ~50 ms each)."""

    def __init__(self, keycloak_url: str, realm: str):
        self._url, self._realm = keycloak_url, realm
        self._cache: dict[str, tuple[float, str]] = {}

    def user(self, username: str, password: str = DEMO_PASSWORD) -> str:
        return self._cached(
            f"user:{username}",
            lambda: KeycloakOpenID(server_url=self._url, realm_name=self._realm, client_id="rtw-cli").token(
                username, password
            ),
        )

    def client(self, client_id: str, secret: str) -> str:
        return self._cached(
            f"client:{client_id}",
            lambda: KeycloakOpenID(
                server_url=self._url,
                realm_name=self._realm,
                client_id=client_id,
                client_secret_key=secret,
            ).token(grant_type="client_credentials"),
        )

    def headers(self, username: str) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.user(username)}"}

    def _cached(self, key: str, fetch: Callable[[], Mapping[str, Any]]) -> str:
        hit = self._cache.get(key)
        if hit and time.monotonic() - hit[0] < TOKEN_REUSE_SECONDS:
            return hit[1]
        token: str = fetch()["access_token"]
        self._cache[key] = (time.monotonic(), token)
        return token


# The day the test session began, for tests that compute their dates when their module is imported. A
# session that runs past midnight keeps that day: the apps under test read `session_clock` (or a
# ManualClock, which starts from it), so a module's "today" and the app's never part (a suite started at
# 23:50 once failed at 00:05, its modules still on the old day and the app on the new one).
SESSION_DAY = datetime.now(UTC).date()


def session_clock() -> datetime:
    """The real time, running, moved back by whole days so that its date is never past SESSION_DAY."""
    now = datetime.now(UTC)
    return now - timedelta(days=(now.date() - SESSION_DAY).days)


class ManualClock:
    """A clock a test moves by hand (a `rtw_shared.clock.Clock`). It starts at the real time (of the
    session's day: `session_clock`), never at a calendar date, so a test reads the same on any day: times
    the test needs are built from it (`clock() + timedelta(days=3)`), and `move(...)` makes time pass for
    everything given this clock."""

    def __init__(self, start: datetime | None = None):
        self.now = (start or session_clock()).replace(microsecond=0)

    def __call__(self) -> datetime:
        return self.now

    def move(self, delta: timedelta | None = None, **parts: float) -> datetime:
        """Move forward by `delta` or by `timedelta(**parts)` (`move(days=2)`); return the new time."""
        self.now += delta if delta is not None else timedelta(**parts)
        return self.now

    def today(self) -> date:
        return self.now.date()


class HandlersByType:
    """A HandlerMap wired by hand from `{event type: one-event handler}`, for tests of the consumer."""

    def __init__(self, by_type: dict[str, Handler]):
        self._run_handlers: dict[str, RunHandler] = {t: each_in_turn(h) for t, h in by_type.items()}

    @property
    def topics(self) -> list[str]:
        from .events.base import registry

        return sorted({registry[t].TOPIC.name for t in self._run_handlers})

    def handler_for(self, event_type: str) -> RunHandler | None:
        return self._run_handlers.get(event_type)

    def event_types(self) -> list[str]:
        return list(self._run_handlers)


APP_USER = APP_PASSWORD = "rtw_app"  # noqa: S105 — the development stack's application role


def app_url(owner_url: str) -> str:
    """The same database's URL as the application role (what a service runs as)."""
    scheme, rest = owner_url.split("://", 1)
    return f"{scheme}://{APP_USER}:{APP_PASSWORD}@{rest.split('@', 1)[1]}"


def create_migrated_database(
    admin_dsn: str, migrations_dir: Path, *, prefix: str, tablespace: str | None = None
) -> tuple[str, str]:
    """A new database migrated to head: (name, the owner's SQLAlchemy URL); in `tablespace` when given
    (its copies are made there too)."""
    name = f"{prefix}_{uuid.uuid4().hex[:10]}"
    where = f' TABLESPACE "{tablespace}"' if tablespace else ""
    with psycopg.connect(admin_dsn, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"{where}')
    url = _owner_url(admin_dsn, name)
    upgrade(migrations_dir, url)
    return name, url


def clone_database(admin_dsn: str, template: str, *, prefix: str) -> tuple[str, str]:
    """A new database copied from `template` (a database migrated once, that nobody is connected to):
    (name, the owner's SQLAlchemy URL). A copy costs tens of milliseconds where migrating costs hundreds."""
    name = f"{prefix}_{uuid.uuid4().hex[:10]}"
    with psycopg.connect(admin_dsn, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}" TEMPLATE "{template}"')
    return name, _owner_url(admin_dsn, name)


def _owner_url(admin_dsn: str, name: str) -> str:
    return admin_dsn.rsplit("/", 1)[0].replace("postgresql://", "postgresql+psycopg://") + f"/{name}"


def drop_database(admin_dsn: str, name: str) -> None:
    with psycopg.connect(admin_dsn, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def delete_topics(bootstrap: str, names: list[str]) -> None:
    """Delete a run's private topics, so a long-lived development broker does not pile them up.
    Best effort: leftovers are harmless (private names), so a failure is said, not raised."""
    from .messaging.clients import make_admin

    admin = make_admin(bootstrap, client_id="rtw-cleanup")
    try:
        admin.delete_topics(names)
    except Exception as error:
        print(f"note: could not delete the run's topics: {error}", file=sys.stderr)
    finally:
        admin.close()


def wait_for(predicate: Callable[[], object], timeout: float = 30.0, interval: float = 0.1) -> bool:
    """Poll until `predicate()` is truthy or `timeout` passes; return whether it became true."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(interval)
    return bool(predicate())


class _Loop(Protocol):  # as rtw_shared.worker.Loop (a sibling: not imported)
    def run(self) -> None: ...
    def stop(self) -> None: ...


LoopT = TypeVar("LoopT", bound=_Loop)


class Running(Generic[LoopT]):
    """Runs a loop (relay, consumer, sender) on a thread for the length of a `with` block."""

    def __init__(self, loop: LoopT):
        self.loop = loop
        self.thread = threading.Thread(target=loop.run, daemon=True)

    def __enter__(self) -> LoopT:
        self.thread.start()
        return self.loop

    def __exit__(self, *exc: object) -> None:
        self.loop.stop()
        self.thread.join(timeout=30)


# One difference alembic's compare_metadata reports: ("add_table", table), ("remove_index", index)…,
# or a list of one column's changes [("modify_type", schema, table, column, …), …].
Difference = tuple[Any, ...] | list[tuple[Any, ...]]


def schema_drift(
    url: str, service_metadata: MetaData, *, kept_indexes: tuple[str, ...] = (), with_timers: bool = False
) -> list[Difference]:
    """How the database migrated at `url` differs from what the service's models and the shared tables
    its migrations create (audit_log, parked_events, rate_limit_hits) describe — empty when they agree. The outbox and
    inbox are the first migration's, checked by the shared tests; `kept_indexes` are indexes a
    migration keeps on purpose though no model declares them; `with_timers` for a service whose
    migrations create the durable timers table (rtw_shared.timers)."""
    from alembic.autogenerate import compare_metadata
    from alembic.migration import MigrationContext
    from sqlalchemy import create_engine

    from .audit.tables import audit_log
    from .event_tables import parked_events
    from .ratelimit import rate_limit_hits
    from .timers import timers

    expected = MetaData(naming_convention=service_metadata.naming_convention)
    shared_tables = [audit_log, parked_events, rate_limit_hits, *([timers] if with_timers else [])]
    for table in [*service_metadata.tables.values(), *shared_tables]:
        table.to_metadata(expected)
    engine = create_engine(url)
    try:
        with engine.connect() as conn:
            found: list[Difference] = compare_metadata(MigrationContext.configure(conn), expected)
    finally:
        engine.dispose()
    ours = [d for d in found if _table_of(d) not in ("outbox", "inbox", "alembic_version")]
    return [d for d in ours if not (isinstance(d, tuple) and d[0] == "remove_index" and d[1].name in kept_indexes)]


def _table_of(difference: Difference) -> str | None:
    if isinstance(difference, list):  # column changes: [("modify_type", schema, table, column, ...)]
        table: str = difference[0][2]
        return table
    kind, item = difference[0], difference[1]
    name: str | None = item.name if kind.endswith("_table") else getattr(getattr(item, "table", None), "name", None)
    return name


def table_names(url: str) -> set[str]:
    """The tables of the database at `url` (migration tests: what an upgrade or downgrade left)."""
    from sqlalchemy import create_engine, inspect

    engine = create_engine(url)
    try:
        return set(inspect(engine).get_table_names())
    finally:
        engine.dispose()
