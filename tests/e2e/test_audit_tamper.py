"""The audit chain of each of the four services finds a row changed around its append-only trigger —
through the administrators' endpoint and the `rtw-audit-verify` command over all four databases."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from sqlalchemy import create_engine, text

from rtw_devstack.journey import Journey
from rtw_shared.services import SERVICE_NAMES

PRIVATE_SYSTEM = "it tampers with audit rows in every service's database"


def owner_url(system, service: str) -> str:
    defn = system.services[service].defn
    return system.services[service].env[defn.env_prefix + "MIGRATION_DATABASE_URL"]


def tamper_with_first_row(url: str) -> int:
    """What an intruder with the owner's password could do: switch the trigger off, rewrite, switch it on."""
    engine = create_engine(url)
    try:
        with engine.begin() as conn:
            conn.execute(text("ALTER TABLE audit_log DISABLE TRIGGER audit_log_append_only"))
            row_id = conn.execute(text("SELECT min(id) FROM audit_log")).scalar_one()
            conn.execute(text("UPDATE audit_log SET username = 'someone-else' WHERE id = :id"), {"id": row_id})
            conn.execute(text("ALTER TABLE audit_log ENABLE TRIGGER audit_log_append_only"))
        return row_id
    finally:
        engine.dispose()


def verify_command(*urls: str) -> subprocess.CompletedProcess:
    command = Path(sys.executable).parent / "rtw-audit-verify"
    return subprocess.run([str(command), *urls], capture_output=True, text=True, timeout=60)


def test_a_row_changed_in_any_service_is_found_by_its_endpoint_and_the_command(system, tokens):
    journey = Journey(system, tokens)
    case = journey.create_case()
    journey.draft_plan(case["id"])
    journey.ok("GET", "employer", "/v1/accommodations", "erin")
    journey.ok("GET", "notify", "/v1/notifications", "erin")
    urls = [owner_url(system, name) for name in SERVICE_NAMES]
    intact = verify_command(*urls)
    assert intact.returncode == 0 and intact.stdout.count("audit chain intact") == 4, intact.stdout + intact.stderr

    for name, url in zip(SERVICE_NAMES, urls, strict=True):
        row_id = tamper_with_first_row(url)
        report = journey.ok("GET", name, "/v1/audit/verify", "ada")
        assert (report["intact"], report["first_broken_id"]) == (False, row_id), name
        assert "altered" in report["reason"]
    broken = verify_command(*urls)
    assert broken.returncode == 1 and broken.stdout.count("audit chain broken at row") == 4, broken.stdout
