"""The private PostgreSQL cluster: one database per service, usable by the project's user."""

from __future__ import annotations

import uuid

import psycopg
import pytest

from rtw_devstack import postgres
from rtw_devstack.postgres import create_missing_databases
from rtw_shared.services import SERVICE_NAMES
from rtw_shared.testing import drop_database

SERVICES = SERVICE_NAMES


@pytest.mark.parametrize("database", SERVICES)
def test_service_database_exists_and_accepts_connections(rtw_infra, database):
    assert database in rtw_infra.service_databases
    with psycopg.connect(rtw_infra.pg_dsn(database), connect_timeout=5) as conn:
        query = "SELECT current_database(), current_setting('server_version_num')"
        name, version = conn.execute(query).fetchone()
    assert name == database
    assert int(version) >= 150000


def test_scratch_database_is_writable_and_private(scratch_database, rtw_infra):
    with psycopg.connect(scratch_database) as conn:
        conn.execute("CREATE TABLE probe (id int primary key)")
        conn.execute("INSERT INTO probe VALUES (1)")
        conn.commit()
        assert conn.execute("SELECT count(*) FROM probe").fetchone() == (1,)
    with psycopg.connect(rtw_infra.pg_dsn("intake")) as conn:
        assert conn.execute("SELECT to_regclass('public.probe')").fetchone() == (None,)


def test_wrong_password_is_refused(rtw_infra):
    dsn = rtw_infra.pg_dsn().replace(f":{rtw_infra.pg_password}@", ":wrong@")
    with pytest.raises(psycopg.OperationalError):
        psycopg.connect(dsn, connect_timeout=5)


def test_a_server_make_up_did_not_start_gets_each_missing_service_database(rtw_infra, capsys):
    """What docker compose's one-shot `postgres-setup` runs (`python -m rtw_devstack.postgres`)."""
    name = f"setup_probe_{uuid.uuid4().hex[:8]}"
    try:
        assert create_missing_databases(rtw_infra.pg_dsn(), (name, "intake")) == [name]  # intake exists
        assert create_missing_databases(rtw_infra.pg_dsn(), (name,)) == []
    finally:
        drop_database(rtw_infra.pg_dsn(), name)
    postgres.main(["--dsn", rtw_infra.pg_dsn()])  # this stack has them all, and the services' role
    assert capsys.readouterr().out.strip() == "postgres: databases created: none; role rtw_app set"
