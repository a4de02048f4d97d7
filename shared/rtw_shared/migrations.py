"""Alembic glue shared by every service: the body of each `migrations/env.py`, and a way to
upgrade a database from code (the `migrate` entrypoint, tests)."""

from __future__ import annotations

import argparse
import os
import time
from contextlib import AbstractContextManager
from pathlib import Path
from typing import Protocol

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import MetaData, create_engine, engine_from_config, pool, text
from sqlalchemy.engine import Connection
from sqlalchemy.exc import DBAPIError

# The role services run as: rows yes, schema no (see ServiceSettings.database_url). Named explicitly
# (the Helm chart does), it must exist: an operator may still be creating it, and the migration is
# retried, rather than leaving the service a role without grants.
APP_ROLE = os.environ.get("RTW_DB_APP_ROLE", "rtw_app")
APP_ROLE_REQUIRED = "RTW_DB_APP_ROLE" in os.environ


class MigrationOps(Protocol):
    """What the shared migration steps use of a migration's `alembic.op`."""

    def get_bind(self) -> Connection: ...
    def execute(self, sqltext: str) -> None: ...
    def drop_index(self, index_name: str, table_name: str | None = None) -> None: ...
    def drop_table(self, table_name: str) -> None: ...


class MigrationEnvironment(Protocol):
    """What `run_env` uses of a service's `env.py` context (`alembic.context`)."""

    config: Config

    def is_offline_mode(self) -> bool: ...
    def configure(
        self,
        *,
        connection: Connection | None = None,
        url: str | None = None,
        target_metadata: MetaData | None = None,
        literal_binds: bool = False,
    ) -> None: ...
    def begin_transaction(self) -> AbstractContextManager[object, bool | None]: ...
    def run_migrations(self) -> None: ...


def grant_application_role(connection: Connection, *, append_only_tables: tuple[str, ...] = ()) -> None:
    """Let the application role read and write every table and sequence, and only append to the
    append-only ones. Runs after every migration, so new tables are covered; a database without
    the role (a bare PostgreSQL) is left as it is, unless RTW_DB_APP_ROLE named it."""
    if connection.execute(text("SELECT 1 FROM pg_roles WHERE rolname = :r"), {"r": APP_ROLE}).first() is None:
        if APP_ROLE_REQUIRED:
            raise RuntimeError(f"the application role {APP_ROLE!r} (RTW_DB_APP_ROLE) does not exist (yet)")
        return
    role = connection.dialect.identifier_preparer.quote(APP_ROLE)
    connection.execute(text(f"GRANT USAGE ON SCHEMA public TO {role}"))
    connection.execute(text(f"GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO {role}"))
    connection.execute(text(f"GRANT USAGE, SELECT, UPDATE ON ALL SEQUENCES IN SCHEMA public TO {role}"))
    for table in append_only_tables:
        if connection.execute(text("SELECT to_regclass(:t)"), {"t": table}).scalar() is not None:  # not downgraded away
            connection.execute(text(f"REVOKE UPDATE, DELETE, TRUNCATE ON {table} FROM {role}"))


def run_env(
    context: MigrationEnvironment,
    target_metadata: MetaData,
    default_url: str,
    *,
    append_only_tables: tuple[str, ...] = (),
) -> None:
    """What a service's env.py does: migrate online against the configured URL (as the owner),
    then grant the application role what it needs."""
    config = context.config
    url = config.get_main_option("sqlalchemy.url") or default_url
    if context.is_offline_mode():
        context.configure(url=url, target_metadata=target_metadata, literal_binds=True)
        with context.begin_transaction():
            context.run_migrations()
        return
    connectable = engine_from_config({"sqlalchemy.url": url}, prefix="sqlalchemy.", poolclass=pool.NullPool)
    with connectable.connect() as connection:
        context.configure(connection=connection, target_metadata=target_metadata)
        with context.begin_transaction():
            context.run_migrations()
            grant_application_role(connection, append_only_tables=append_only_tables)


def alembic_config(migrations_dir: Path, url: str) -> Config:
    config = Config()
    config.set_main_option("script_location", str(migrations_dir))
    config.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    return config


def upgrade(migrations_dir: Path, url: str, revision: str = "head") -> None:
    """Bring the database at `url` up to `revision`."""
    command.upgrade(alembic_config(migrations_dir, url), revision)


def is_migrated(migrations_dir: Path, url: str) -> bool:
    """Whether the database at `url` is at the migrations' head (the application role may ask)."""
    heads = set(ScriptDirectory.from_config(alembic_config(migrations_dir, url)).get_heads())
    engine = create_engine(url, poolclass=pool.NullPool)
    try:
        with engine.connect() as connection:
            return set(MigrationContext.configure(connection).get_current_heads()) == heads
    finally:
        engine.dispose()


def wait_until_migrated(migrations_dir: Path, url: str, *, timeout: float, poll: float = 2.0) -> None:
    """Return once the database at `url` is at head; TimeoutError after `timeout` seconds. A database
    that does not answer yet is waited for too (it may be starting beside us)."""
    deadline = time.monotonic() + timeout
    while True:
        try:
            if is_migrated(migrations_dir, url):
                return
        except DBAPIError:
            pass
        if time.monotonic() >= deadline:
            raise TimeoutError(
                f"the database is not at the newest schema after {timeout:.0f} s: did its migration run?"
            )
        time.sleep(poll)


def migrate_command(migrations_dir: Path, *, owner_url: str, app_url: str, argv: list[str] | None = None) -> None:
    """A service's `rtw-<name>-migrate`: upgrade to head as the owner; with `--wait SECONDS`, only wait
    (as the application role) until that is done: what a Kubernetes pod does before it starts, so
    new code never meets an old schema (deploy/helm/rtw)."""
    parser = argparse.ArgumentParser(description=migrate_command.__doc__)
    parser.add_argument("--wait", type=float, metavar="SECONDS", help="wait until migrated, do not migrate")
    args = parser.parse_args(argv)
    if args.wait is None:
        upgrade(migrations_dir, owner_url)
    else:
        wait_until_migrated(migrations_dir, app_url, timeout=args.wait)
