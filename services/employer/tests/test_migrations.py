"""The hand-written migrations match the ORM models, upgrade a database that already holds data, and go
down and up again cleanly."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime

from alembic import command
from sqlalchemy import create_engine, text

from rtw_employer import models  # noqa: F401 — registers every table on the metadata
from rtw_employer.db import Base
from rtw_employer.migrate import MIGRATIONS
from rtw_shared.migrations import alembic_config, upgrade
from rtw_shared.testing import schema_drift, table_names

FROM_MIGRATION_ONLY = {"outbox", "inbox", "parked_events", "audit_log", "rate_limit_hits", "alembic_version"}  # shared
FROM_MIGRATION_ONLY |= {"timers"}  # rtw_shared.timers
ALL_TABLES = FROM_MIGRATION_ONLY | {"case_copies", "accommodation_requests", "portal_logins", "portal_sessions"}
ALL_TABLES |= {"plan_versions_seen"}


def test_the_migrated_schema_is_what_the_models_describe(employer_settings):
    assert schema_drift(employer_settings.migration_database_url, Base.metadata, with_timers=True) == []


def test_downgrade_removes_everything_and_upgrade_restores_it(employer_settings):
    config = alembic_config(MIGRATIONS, employer_settings.migration_database_url)
    command.downgrade(config, "base")
    assert table_names(employer_settings.migration_database_url) == {"alembic_version"}
    command.upgrade(config, "head")
    assert table_names(employer_settings.migration_database_url) == ALL_TABLES


def test_a_database_with_copies_and_requests_upgrades_and_keeps_them(scratch_database):
    url = scratch_database.replace("postgresql://", "postgresql+psycopg://")
    upgrade(MIGRATIONS, url, "0001")
    full, partial, request = uuid.uuid4(), uuid.uuid4(), uuid.uuid4()
    engine = create_engine(url)
    with engine.begin() as conn:
        conn.execute(
            text(
                "INSERT INTO case_copies (case_id, reference, employer_org_id, clinic_org_id, "
                "insurer_org_id, worker_name, "
                "job_title) VALUES (:full, 'RTW-2026-000001', 'acme', 'clinic-north', 'northwind', 'Maria Lopez', "
                "'Picker'), (:partial, NULL, 'acme', NULL, NULL, 'Sam Okafor', 'Driver')"
            ),
            {"full": full, "partial": partial},
        )
        conn.execute(
            text(
                "INSERT INTO accommodation_requests (id, case_id, employer_org_id, plan_id, plan_version, "
                "restrictions, "
                "schedule, accommodations, due_date, status, version) VALUES (:id, :case, 'acme', :plan, "
                "1, '[]', '[]', "
                "'[]', '2026-12-04', 'requested', 1)"
            ),
            {"id": request, "case": full, "plan": uuid.uuid4()},
        )
    upgrade(MIGRATIONS, url)
    with engine.connect() as conn:
        copies = {
            r.case_id: r
            for r in conn.execute(
                text(
                    "SELECT case_id, case_version, status, share_restrictions_with_employer, "
                    "share_status_with_insurer, "
                    "worker_name, therapist_id FROM case_copies"
                )
            )
        }
        kept = conn.execute(text("SELECT status, withdrawn_reason FROM accommodation_requests")).one()
        audit_rows = conn.execute(text("SELECT count(*) FROM audit_log")).scalar()
        timer = conn.execute(text("SELECT key, kind, due_at, subject_id FROM timers")).one()
    engine.dispose()
    assert tuple(copies[full])[1:] == (1, "referred", True, True, "Maria Lopez", None)
    assert tuple(copies[partial])[1:] == (0, "referred", True, True, "Sam Okafor", None)
    assert tuple(kept) == ("requested", None) and audit_rows == 0
    # The request still open gets the expiry timer a new one is given: the end of its due date (UTC).
    assert tuple(timer) == (
        f"accommodation-expiry:{request}",
        "accommodation-expiry",
        datetime(2026, 12, 5, tzinfo=UTC),
        request,
    )
