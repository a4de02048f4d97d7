"""The hand-written migrations match the ORM models, go down and up again cleanly, and bring a
database that already holds cases and plans (a developer's `make up` data) to the new schema."""

import uuid

import pytest
from alembic import command
from sqlalchemy import create_engine, text
from sqlalchemy.exc import ProgrammingError

from rtw_shared.migrations import alembic_config
from rtw_shared.testing import schema_drift, table_names
from rtw_workplan import models  # noqa: F401 — registers every table on the metadata
from rtw_workplan.db import Base
from rtw_workplan.migrate import MIGRATIONS

# Shared tables, not workplan's models.
from_migration_only = {"outbox", "inbox", "parked_events", "audit_log", "alembic_version"}
WORKPLAN_TABLES = {
    "alembic_version",
    "cases",
    "plans",
    "outbox",
    "inbox",
    "parked_events",
    "audit_log",
    "sessions",
    "session_revisions",
    "reviews",
    "progression_decisions",
    "clinic_settings",
    "timers",
    "accommodation_requests",
}


def _run(url: str, sql: str, **params) -> list:
    engine = create_engine(url)
    try:
        with engine.begin() as conn:
            result = conn.execute(text(sql), params)
            return result.all() if result.returns_rows else []
    finally:
        engine.dispose()


def test_the_migrated_schema_is_what_the_models_describe(workplan_settings):
    assert schema_drift(workplan_settings.migration_database_url, Base.metadata, with_timers=True) == []


def test_downgrade_removes_everything_and_upgrade_restores_it(workplan_settings):
    config = alembic_config(MIGRATIONS, workplan_settings.migration_database_url)
    command.downgrade(config, "base")
    assert table_names(workplan_settings.migration_database_url) == {"alembic_version"}
    command.upgrade(config, "head")
    assert table_names(workplan_settings.migration_database_url) == WORKPLAN_TABLES


def test_a_database_with_cases_and_plans_is_upgraded_and_downgraded_keeping_them(workplan_settings):
    url = workplan_settings.migration_database_url
    config = alembic_config(MIGRATIONS, url)
    command.downgrade(config, "0001")
    case_id, plan_id = uuid.uuid4(), uuid.uuid4()
    _run(
        url,
        "INSERT INTO cases (case_id, reference, clinic_org_id, therapist_id, employer_org_id, insurer_org_id) "
        "VALUES (:c, 'RTW-2026-000007', 'clinic-north', 'tara-subject', 'acme', 'northwind')",
        c=case_id,
    )
    _run(
        url,
        "INSERT INTO plans (id, case_id, version, status, clinic_org_id, insurer_org_id, employer_org_id, "
        "therapist_id, content) VALUES (:p, :c, 1, 'draft', 'clinic-north', 'northwind', 'acme', "
        "'tara-subject', '{}')",
        p=plan_id,
        c=case_id,
    )
    command.upgrade(config, "head")
    [case] = _run(
        url,
        "SELECT case_version, status, share_restrictions_with_employer, share_status_with_insurer, "
        "updated_at IS NOT NULL FROM cases",
    )
    assert tuple(case) == (1, "referred", True, True, True)
    assert [tuple(r) for r in _run(url, "SELECT id, revision FROM plans")] == [(plan_id, 1)]
    command.downgrade(config, "0001")
    assert [
        tuple(r) for r in _run(url, "SELECT clinic_org_id, insurer_org_id, employer_org_id, therapist_id FROM plans")
    ] == [("clinic-north", "northwind", "acme", "tara-subject")]
    command.upgrade(config, "head")


def test_a_new_case_copy_starts_with_nothing_shared_until_a_snapshot_says_so(workplan_settings):
    # The defaults after the backfill are the model's: unknown consents are not shared.
    url = workplan_settings.migration_database_url
    _run(
        url,
        "INSERT INTO cases (case_id, reference, status, clinic_org_id, therapist_id, employer_org_id, "
        "insurer_org_id) VALUES (:c, 'RTW-2026-000008', 'referred', 'clinic-north', 't', 'acme', 'northwind')",
        c=uuid.uuid4(),
    )
    [row] = _run(url, "SELECT case_version, share_restrictions_with_employer, share_status_with_insurer FROM cases")
    assert tuple(row) == (0, False, False)


@pytest.mark.parametrize("statement", ["UPDATE audit_log SET outcome = 'allowed'", "DELETE FROM audit_log"])
def test_the_service_role_may_only_append_to_the_audit_log(workplan_settings, statement):
    with pytest.raises(ProgrammingError, match=r"permission denied for table audit_log"):
        _run(workplan_settings.database_url, statement)
