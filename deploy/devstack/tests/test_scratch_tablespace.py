"""The test session's tablespace in memory (rtw_devstack.postgres.scratch_tablespace), on the real server."""

from __future__ import annotations

import shutil
import uuid
from pathlib import Path

import psycopg
import pytest

from rtw_devstack import postgres
from rtw_devstack.config import StackSettings


def tablespaces(settings: StackSettings) -> dict[str, str]:
    with psycopg.connect(settings.pg_dsn()) as conn:
        rows = conn.execute("SELECT spcname, pg_tablespace_location(oid) FROM pg_tablespace").fetchall()
    return dict(rows)


def open_scratch(settings: StackSettings, name: str | None) -> tuple[Path, str]:
    """The tablespace's folder and a new database in it (skips where the machine has no RAM-backed folder)."""
    if name is None:
        pytest.skip("no RAM-backed folder on this machine (the suite then uses the default tablespace)")
    database = f"scratch_{uuid.uuid4().hex[:8]}"
    with psycopg.connect(settings.pg_dsn(), autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{database}" TABLESPACE "{name}"')
    return Path(tablespaces(settings)[name]), database


def test_the_scratch_folder_is_the_setting_or_nowhere_when_set_empty(monkeypatch, tmp_path):
    monkeypatch.setenv(postgres.SCRATCH_ROOT_ENV, str(tmp_path))
    assert postgres.scratch_root() == tmp_path
    monkeypatch.setenv(postgres.SCRATCH_ROOT_ENV, "")
    assert postgres.scratch_root() is None


def test_a_database_made_in_the_scratch_tablespace_lives_in_its_folder_and_both_go_at_the_end(rtw_infra):
    settings = StackSettings()
    with postgres.scratch_tablespace(settings) as name:
        folder, database = open_scratch(settings, name)
        assert any(folder.rglob("PG_VERSION"))  # the database's files are in the folder
        with psycopg.connect(settings.pg_dsn(), autocommit=True) as conn:
            conn.execute(f'DROP DATABASE "{database}"')
    assert name not in tablespaces(settings) and not folder.exists()


def test_a_scratch_tablespace_whose_folder_vanished_is_swept_with_its_databases(rtw_infra, monkeypatch):
    settings = StackSettings()
    monkeypatch.setenv(postgres.SCRATCH_ROOT_ENV, str(postgres.SCRATCH_ROOT_DEFAULT))
    with postgres.scratch_tablespace(settings) as left:
        folder, database = open_scratch(settings, left)
        shutil.rmtree(folder)  # as a reboot empties /dev/shm under a session that could not clean up
        with postgres.scratch_tablespace(settings) as fresh:
            assert fresh is not None and left not in tablespaces(settings)
            with psycopg.connect(settings.pg_dsn()) as conn:
                assert conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", (database,)).fetchone() is None
