"""The audit log is append-only and tamper-evident, on the real database."""

from __future__ import annotations

import os
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.exc import DBAPIError

from rtw_devstack.journey import CASE
from rtw_intake.audit import chain

VERIFY_COMMAND = Path(sys.executable).with_name("rtw-intake-audit-verify")


@pytest.fixture
def db(intake_settings):
    engine = create_engine(intake_settings.migration_database_url)  # the owner: it can tamper
    yield engine
    engine.dispose()


def audit_rows(db) -> list[dict]:
    with db.connect() as conn:
        return [dict(r) for r in conn.execute(text("SELECT * FROM audit_log ORDER BY id")).mappings()]


def some_requests(client, tokens, reads: int = 3) -> dict:
    case = client.post("/v1/cases", json=CASE, headers=tokens.headers("tara")).json()
    for _ in range(reads):
        client.get(f"/v1/cases/{case['id']}", headers=tokens.headers("tara"))
    client.get(f"/v1/cases/{case['id']}", headers=tokens.headers("theo"))
    return case


def run_verify(settings) -> subprocess.CompletedProcess:
    env = {**os.environ, "RTW_INTAKE_DATABASE_URL": settings.database_url}
    return subprocess.run([str(VERIFY_COMMAND)], env=env, capture_output=True, text=True, timeout=60, check=False)


def test_the_chain_stays_linear_under_concurrent_requests(client, tokens, db):
    case = some_requests(client, tokens)
    headers = [tokens.headers(user) for user in ("tara", "theo", "ivy", "erin")] + [{}]
    path = f"/v1/cases/{case['id']}"

    def call(number: int) -> int:
        return client.get(path if number % 3 else "/v1/cases", headers=headers[number % len(headers)]).status_code

    with ThreadPoolExecutor(max_workers=12) as pool:
        statuses = list(pool.map(call, range(60)))
    rows = audit_rows(db)
    assert len(rows) == 5 + 60 and sorted(r["status_code"] for r in rows[5:]) == sorted(statuses)
    assert rows[0]["prev_hash"] == chain.GENESIS_HASH
    assert len({r["prev_hash"] for r in rows}) == len(rows)  # no two rows link to the same predecessor
    assert chain.verify(rows) is None
    report = client.get("/v1/audit/verify", headers=tokens.headers("ada")).json()
    assert report == {"intact": True, "rows": 65, "first_broken_id": None, "reason": None}


@pytest.mark.parametrize(("statement", "operation"), [
    ("UPDATE audit_log SET outcome = 'allowed'", "UPDATE"),
    ("DELETE FROM audit_log", "DELETE"),
    ("TRUNCATE audit_log", "TRUNCATE"),
])
def test_rows_cannot_be_changed_or_removed(client, tokens, db, statement, operation):
    some_requests(client, tokens, reads=1)
    before = audit_rows(db)
    with pytest.raises(DBAPIError, match=f"audit_log is append-only: {operation} is not allowed"), db.begin() as conn:
        conn.execute(text(statement))
    assert audit_rows(db) == before


def tamper(db, statement: str) -> None:
    """What an attacker with the database's superuser could do: switch the triggers off for a session."""
    with db.begin() as conn:
        conn.execute(text("SET LOCAL session_replication_role = replica"))
        conn.execute(text(statement))


def test_an_altered_row_is_found_by_the_chain_the_endpoint_and_the_command(client, tokens, db, intake_settings):
    some_requests(client, tokens)
    intact = run_verify(intake_settings)
    assert (intact.returncode, intact.stdout.strip()) == (0, "audit chain intact: 5 rows")

    target = audit_rows(db)[2]["id"]
    tamper(db, f"UPDATE audit_log SET outcome = 'denied', status_code = 403 WHERE id = {target}")

    assert chain.verify(audit_rows(db)) == target
    report = client.get("/v1/audit/verify", headers=tokens.headers("ada")).json()
    assert (report["intact"], report["rows"], report["first_broken_id"]) == (False, 5, target)
    assert "altered" in report["reason"]
    broken = run_verify(intake_settings)
    assert broken.returncode == 1
    assert broken.stdout.strip() == f"audit chain broken at row {target}: {report['reason']}"


def test_a_row_deleted_around_the_trigger_is_found_at_the_next_row(client, tokens, db, intake_settings):
    some_requests(client, tokens)
    rows = audit_rows(db)
    tamper(db, f"DELETE FROM audit_log WHERE id = {rows[1]['id']}")
    assert chain.verify(audit_rows(db)) == rows[2]["id"]
    result = run_verify(intake_settings)
    assert result.returncode == 1 and result.stdout.startswith(f"audit chain broken at row {rows[2]['id']}: ")


def test_the_command_says_clearly_when_it_cannot_read_the_database(intake_settings):
    env = {**os.environ, "RTW_INTAKE_DATABASE_URL": intake_settings.database_url.rsplit("/", 1)[0] + "/no_such_db"}
    result = subprocess.run([str(VERIFY_COMMAND)], env=env, capture_output=True, text=True, timeout=60, check=False)
    assert result.returncode == 2
    assert result.stderr.startswith("could not read the audit log at ") and "***" in result.stderr


@pytest.mark.parametrize("statement", [
    "UPDATE audit_log SET outcome = 'allowed'",
    "DELETE FROM audit_log",
    "TRUNCATE audit_log",
    "ALTER TABLE audit_log DISABLE TRIGGER USER",
    "SET session_replication_role = replica",
])
def test_the_services_own_role_cannot_change_or_unprotect_the_log(client, tokens, intake_settings, statement):
    """The service runs as the application role: appending is all it may do to the audit log."""
    some_requests(client, tokens, reads=1)
    engine = create_engine(intake_settings.database_url)
    try:
        with pytest.raises(DBAPIError, match=r"permission denied|must be owner"), engine.begin() as conn:
            conn.execute(text(statement))
    finally:
        engine.dispose()
