"""Engine, sessions and the declarative base. Engines are made by the app factory or the worker
at start-up, never at import time."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import psycopg
from sqlalchemy import MetaData, create_engine
from sqlalchemy.engine import Connection, Engine
from sqlalchemy.orm import DeclarativeBase, Session, sessionmaker

# Constraint names Alembic can rely on (and that read well in error messages).
NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


def new_base() -> type[DeclarativeBase]:
    """A declarative base with its own MetaData: one per service, so two services' tables never
    share a registry (tests import all four services in one process)."""

    class Base(DeclarativeBase):
        metadata = MetaData(naming_convention=NAMING_CONVENTION)

    return Base


def make_engine(url: str, *, pool_size: int = 10, read_only: bool = False) -> Engine:
    """A pooled engine. The overflow covers bursts beside the limited request threads; in steady
    state every checkout reuses a pooled connection.

    No ping before each checkout (a round trip on every request and batch): a connection that died
    with its server fails its first statement, which invalidates the whole pool (SQLAlchemy's
    disconnect handling), so only work already under way sees the outage. An API answers it
    503 with Retry-After (rtw_shared.errors); workers retry.

    `read_only`: connections without transactions (autocommit: no BEGIN/ROLLBACK round trips) on
    which PostgreSQL refuses any write (`default_transaction_read_only`), for the API's GETs."""
    options: dict[str, Any] = {}  # create_engine's keyword arguments
    if read_only:
        options = {"isolation_level": "AUTOCOMMIT", "connect_args": {"options": "-c default_transaction_read_only=on"}}
    return create_engine(url, pool_size=pool_size, max_overflow=max(2, pool_size // 2), pool_pre_ping=False, **options)


def make_session_factory(engine: Engine) -> sessionmaker[Session]:
    # expire_on_commit=False: a service returns the objects it just committed to the router.
    return sessionmaker(engine, expire_on_commit=False, autoflush=True)


# A statement for `pipelined`: SQL with psycopg's `%(name)s` placeholders, and its parameters.
Statement = tuple[str, Mapping[str, Any]]


def pipelined(
    on: Session | Connection, statements: Sequence[Statement], *, commit: bool = False
) -> list[list[tuple[Any, ...]]]:
    """Run `statements` in order in ONE round trip (psycopg's pipeline mode), in the transaction of `on`
    (a Session or a Connection; it is begun if it was not), then COMMIT in the same round trip when
    `commit` is set; each statement's rows ([] for one that returns none).

    Each statement still sees what the ones before it did, with a snapshot of its own (READ COMMITTED):
    a lock taken by one holds for the next. For the hot paths (make bench: a round trip costs about as
    much CPU as a statement's work); after a commit here, the caller's `session.commit()` has nothing left
    to send. A failing statement skips the rest and raises; the transaction is then rolled back."""
    driver = _driver_connection(on)
    cursors = []
    with driver.pipeline():
        for sql, params in statements:
            cursor = driver.cursor()
            cursor.execute(sql, params)
            cursors.append(cursor)
        if commit:
            driver.commit()
    return [cursor.fetchall() if cursor.description is not None else [] for cursor in cursors]


def fetch(on: Session | Connection, statement: Statement) -> list[tuple[Any, ...]]:
    """The rows of one statement, run through the driver (no ORM, no result processing): for a hot read."""
    sql, params = statement
    return _driver_connection(on).execute(sql, params).fetchall()


def _driver_connection(on: Session | Connection) -> psycopg.Connection[Any]:
    connection = on.connection() if isinstance(on, Session) else on
    driver = connection.connection.driver_connection
    if not isinstance(driver, psycopg.Connection):
        raise TypeError(f"pipelined statements need psycopg 3, not {type(driver).__name__}")
    return driver
