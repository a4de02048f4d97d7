"""The private PostgreSQL cluster: one database per service, usable by the project's user."""

from __future__ import annotations

import psycopg
import pytest

from rtw_shared.services import SERVICE_NAMES

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
