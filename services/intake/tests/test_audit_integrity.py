"""The audit log is append-only and tamper-evident, on the real database: the shared chain,
`GET /v1/audit/verify` and `python -m rtw_shared.audit.verify <url>` all find a change."""

from __future__ import annotations

import itertools
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import DBAPIError

from rtw_devstack.journey import CASE
from rtw_shared.audit import chain

CASE_ELSEWHERE = "00000000-0000-0000-0000-000000000001"


def some_requests(client, tokens, reads: int = 3) -> dict:
    """1 + reads + 1 audited requests (and one anonymous one, which is not)."""
    case = client.post("/v1/cases", json=CASE, headers=tokens.headers("tara")).json()
    for _ in range(reads):
        client.get(f"/v1/cases/{case['id']}", headers=tokens.headers("tara"))
    client.get(f"/v1/cases/{case['id']}", headers=tokens.headers("theo"))
    client.get(f"/v1/cases/{case['id']}")
    return case


def run_verify(url: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "rtw_shared.audit.verify", url], capture_output=True, text=True, timeout=60, check=False
    )


def test_the_chain_stays_linear_under_concurrent_requests(client, tokens, audit_rows):
    case = some_requests(client, tokens)
    headers = [tokens.headers(user) for user in ("tara", "theo", "ivy", "erin")] + [{}]
    path = f"/v1/cases/{case['id']}"

    def call(number: int) -> tuple[int, bool]:
        header = headers[number % len(headers)]
        return client.get(path if number % 3 else "/v1/cases", headers=header).status_code, bool(header)

    with ThreadPoolExecutor(max_workers=12) as pool:
        answers = list(pool.map(call, range(60)))
    audited = sorted(status for status, authenticated in answers if authenticated)
    rows = audit_rows()
    assert len(rows) == 5 + len(audited) and sorted(r["status_code"] for r in rows[5:]) == audited
    assert rows[0]["prev_hash"] == chain.GENESIS_HASH
    assert all(later["prev_hash"] == earlier["hash"] for earlier, later in itertools.pairwise(rows))
    assert chain.verify(rows) is None
    report = client.get("/v1/audit/verify", headers=tokens.headers("ada")).json()
    assert report == {"intact": True, "rows": len(rows), "first_broken_id": None, "reason": None}


@pytest.mark.parametrize(
    ("statement", "operation"),
    [
        ("UPDATE audit_log SET outcome = 'allowed'", "UPDATE"),
        ("DELETE FROM audit_log", "DELETE"),
        ("TRUNCATE audit_log", "TRUNCATE"),
    ],
)
def test_rows_cannot_be_changed_or_removed_even_by_the_owner(client, tokens, db, audit_rows, statement, operation):
    some_requests(client, tokens, reads=1)
    before = audit_rows()
    with pytest.raises(DBAPIError, match=f"audit_log is append-only: {operation} is not allowed"), db.begin() as conn:
        conn.execute(text(statement))
    assert audit_rows() == before


def tamper(db, statement: str) -> None:
    """What an attacker with the database's superuser could do: switch the triggers off for a session."""
    with db.begin() as conn:
        conn.execute(text("SET LOCAL session_replication_role = replica"))
        conn.execute(text(statement))


def test_an_altered_row_is_found_by_the_chain_the_endpoint_and_the_command(
    client, tokens, db, audit_rows, intake_settings
):
    case = some_requests(client, tokens)
    owner_url, name = intake_settings.migration_database_url, make_url(intake_settings.migration_database_url).database
    intact = run_verify(owner_url)
    assert (intact.returncode, intact.stdout.strip()) == (0, f"{name}: audit chain intact: 5 rows")

    # The row of a read that returned the case: rewrite who read it and which case it was.
    target = audit_rows()[2]["id"]
    assert audit_rows()[2]["case_ids"] == [case["id"]]
    tamper(db, f"UPDATE audit_log SET case_ids = ARRAY['{CASE_ELSEWHERE}'] WHERE id = {target}")

    assert chain.verify(audit_rows()) == target
    report = client.get("/v1/audit/verify", headers=tokens.headers("ada")).json()
    assert (report["intact"], report["rows"], report["first_broken_id"]) == (False, 5, target)
    assert "altered" in report["reason"]
    broken = run_verify(owner_url)
    assert broken.returncode == 1
    assert broken.stdout.strip() == f"{name}: audit chain broken at row {target}: {report['reason']}"


def test_a_row_deleted_around_the_trigger_is_found_at_the_next_row(client, tokens, db, audit_rows, intake_settings):
    some_requests(client, tokens)
    rows = audit_rows()
    tamper(db, f"DELETE FROM audit_log WHERE id = {rows[1]['id']}")
    assert chain.verify(audit_rows()) == rows[2]["id"]
    result = run_verify(intake_settings.migration_database_url)
    assert result.returncode == 1 and f"audit chain broken at row {rows[2]['id']}: " in result.stdout


def test_the_command_says_clearly_when_it_cannot_read_the_database(intake_settings):
    result = run_verify(intake_settings.migration_database_url.rsplit("/", 1)[0] + "/no_such_db")
    assert result.returncode == 2
    assert result.stderr.startswith("no_such_db: could not read the audit log at ") and "***" in result.stderr


@pytest.mark.parametrize(
    "statement",
    [
        "UPDATE audit_log SET outcome = 'allowed'",
        "DELETE FROM audit_log",
        "TRUNCATE audit_log",
        "ALTER TABLE audit_log DISABLE TRIGGER USER",
        "SET session_replication_role = replica",
        "UPDATE case_consents SET granted = true",
        "DELETE FROM case_consents",
    ],
)
def test_the_services_own_role_cannot_change_the_log_or_the_consent_record(client, tokens, intake_settings, statement):
    """The service runs as the application role: appending is all it may do to the audit log and to
    the record of the worker's consents."""
    some_requests(client, tokens, reads=1)
    engine = create_engine(intake_settings.database_url)
    try:
        with pytest.raises(DBAPIError, match=r"permission denied|must be owner"), engine.begin() as conn:
            conn.execute(text(statement))
    finally:
        engine.dispose()
