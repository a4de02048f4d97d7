"""Notify's migrations: the schema is what the models describe, and 0002 upgrades a database that
already holds case copies and notifications (a developer's `make up` database)."""

from __future__ import annotations

import uuid

import pytest
from alembic import command
from sqlalchemy import create_engine, inspect, text
from sqlalchemy.exc import DBAPIError

from rtw_notify import models  # noqa: F401 — registers every table on the metadata
from rtw_notify.db import Base
from rtw_notify.migrate import MIGRATIONS
from rtw_shared.migrations import alembic_config, upgrade
from rtw_shared.testing import schema_drift

SHARED_TABLES = {"outbox", "inbox", "parked_events", "audit_log", "alembic_version"}  # rtw_shared's, not notify's


@pytest.fixture
def owner_url(scratch_database) -> str:
    return scratch_database.replace("postgresql://", "postgresql+psycopg://")


def run(url: str, sql: str, **params) -> list:
    engine = create_engine(url)
    try:
        with engine.begin() as conn:
            result = conn.execute(text(sql), params)
            return [tuple(row) for row in result] if result.returns_rows else []
    finally:
        engine.dispose()


def tables(url: str) -> set[str]:
    engine = create_engine(url)
    try:
        return set(inspect(engine).get_table_names())
    finally:
        engine.dispose()


def case_columns(url: str) -> set[str]:
    engine = create_engine(url)
    try:
        return {column["name"] for column in inspect(engine).get_columns("cases")}
    finally:
        engine.dispose()


def test_the_migrated_schema_is_what_the_models_describe(notify_settings):
    assert schema_drift(notify_settings.migration_database_url, Base.metadata, with_timers=True) == []


def test_existing_copies_get_the_defaults_of_their_time_and_new_ones_the_mixins(owner_url):
    upgrade(MIGRATIONS, owner_url, "0001")
    old, new = uuid.uuid4(), uuid.uuid4()
    run(
        owner_url,
        "INSERT INTO cases (case_id, reference, therapist_id, therapist_email, clinic_org_id, "
        "employer_org_id, insurer_org_id) VALUES (:id, 'RTW-OLD', 't', 't@x.example', 'clinic-north', "
        "'acme', 'northwind')",
        id=old,
    )
    run(
        owner_url,
        "INSERT INTO notifications (id, recipient_org_id, recipient_role, kind, title, body, case_id, "
        "trigger_event_id, trigger_event_type) VALUES (:n, 'acme', 'employer', 'accommodation_requested', "
        "'t', 'b', :id, :e, 'rtw.accommodation.requested.v1')",
        n=uuid.uuid4(),
        id=old,
        e=uuid.uuid4(),
    )
    upgrade(MIGRATIONS, owner_url)
    assert run(
        owner_url,
        "SELECT case_version, status, share_restrictions_with_employer, share_status_with_insurer, "
        "therapist_email FROM cases",
    ) == [(1, "referred", True, True, "t@x.example")]
    assert run(owner_url, "SELECT count(*) FROM notifications") == [(1,)]
    run(
        owner_url,
        "INSERT INTO cases (case_id, reference, status, therapist_id, clinic_org_id, employer_org_id, "
        "insurer_org_id) VALUES (:id, 'RTW-NEW', 'referred', 't', 'c', 'e', 'i')",
        id=new,
    )
    assert run(
        owner_url,
        "SELECT case_version, share_restrictions_with_employer, share_status_with_insurer "
        "FROM cases WHERE case_id = :id",
        id=new,
    ) == [(0, False, False)]


def test_the_application_role_may_only_append_to_the_audit_log(notify_settings):
    url = notify_settings.database_url
    run(
        url,
        "INSERT INTO audit_log (at, action, method, path, resource_type, outcome, status_code, prev_hash, hash) "
        "VALUES (now(), 'a', 'GET', '/v1/x', 'x', 'allowed', 200, '0', '0')",
    )
    with pytest.raises(DBAPIError, match="permission denied for table audit_log"):
        run(url, "UPDATE audit_log SET outcome = 'denied'")


def test_downgrade_to_the_first_revision_and_back(owner_url):
    upgrade(MIGRATIONS, owner_url)
    config = alembic_config(MIGRATIONS, owner_url)
    command.downgrade(config, "0001")
    assert tables(owner_url) == {"alembic_version", "cases", "notifications", "emails", "outbox", "inbox"}
    assert case_columns(owner_url).isdisjoint({"case_version", "status", "share_status_with_insurer"})
    command.upgrade(config, "head")
    assert tables(owner_url) >= {"audit_log", "parked_events"}
    assert {"case_version", "status", "share_status_with_insurer"} <= case_columns(owner_url)


def test_0003_moves_read_marks_to_the_person_who_read(owner_url):
    """A personal notification read before 0003 stays read for its reader; an organisation's shows as unread."""
    upgrade(MIGRATIONS, owner_url, "0002")
    case, personal, to_org = uuid.uuid4(), uuid.uuid4(), uuid.uuid4()
    for notification, user, org in ((personal, "tara-subject", None), (to_org, None, "acme")):
        run(
            owner_url,
            "INSERT INTO notifications (id, recipient_user_id, recipient_org_id, recipient_role, kind, title, body, "
            "case_id, trigger_event_id, trigger_event_type, read_at) VALUES (:n, :u, :o, :r, 'k', 't', 'b', :c, :e, "
            "'rtw.x.v1', '2026-11-20T10:00:00+00')",
            n=notification,
            u=user,
            o=org,
            r="employer" if org else None,
            c=case,
            e=uuid.uuid4(),
        )
    upgrade(MIGRATIONS, owner_url)
    assert run(owner_url, "SELECT notification_id, subject FROM notification_reads") == [(personal, "tara-subject")]
    assert run(owner_url, "SELECT count(*) FROM notifications") == [(2,)]
    assert {"webhooks", "webhook_deliveries", "webhook_attempts", "org_contacts", "timers"} <= tables(owner_url)
    config = alembic_config(MIGRATIONS, owner_url)
    command.downgrade(config, "0002")
    assert run(owner_url, "SELECT id FROM notifications WHERE read_at IS NOT NULL") == [(personal,)]
