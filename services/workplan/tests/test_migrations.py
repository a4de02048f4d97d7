"""The hand-written migrations match the ORM models, go down and up again cleanly, and bring a
database that already holds cases and plans (a developer's `make up` data) to the new schema."""

import json
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
from_migration_only = {"outbox", "inbox", "parked_events", "audit_log", "rate_limit_hits", "alembic_version"}
WORKPLAN_TABLES = {
    "alembic_version",
    "cases",
    "plans",
    "outbox",
    "inbox",
    "parked_events",
    "audit_log",
    "rate_limit_hits",
    "sessions",
    "session_revisions",
    "reviews",
    "progression_decisions",
    "clinic_settings",
    "timers",
    "accommodation_requests",
    "clinic_logins",  # the workspace's sign-ins in progress and sessions (rtw_shared.webui)
    "clinic_sessions",
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


OLD_LIFT = {"kind": "work_simulation", "demand": "lift_floor_waist", "load_kg": 10, "reps": 10, "sets": 3}
OLD_STAND = {"kind": "conditioning", "demand": "stand", "duration_min": 60}
OLD_CONTENT = {
    "goals": [{"demand": "lift_floor_waist", "baseline": 10, "target": 23, "unit": "kg", "weight": 2}],
    "phases": [
        {
            "name": "Work hardening",
            "start_week": 1,
            "end_week": 4,
            "sessions_per_week": 3,
            "minutes_per_session": 90,
            "activities": [OLD_LIFT, OLD_STAND],
        }
    ],
    "schedule": [{"week": 1, "hours_per_day": 4, "days_per_week": 5, "duties": "modified"}],
    "restrictions": [],
    "accommodations": [],
}
OLD_SESSION = {
    "date": "2026-11-02",
    "attendance": "attended",
    "minutes": 90,
    "work_simulation": True,
    "activities": [
        {
            "kind": "work_simulation",
            "demand": "lift_floor_waist",
            "frequency": "occasional",
            "prescribed": {"load_kg": 10},
            "achieved": {"load_kg": 10},
            "tolerated": True,
        },
        {"kind": "education", "frequency": "occasional", "prescribed": {}, "achieved": {}, "tolerated": True},
    ],
}


def _json(value) -> str:
    return json.dumps(value)


def test_stored_activities_goals_sessions_decisions_and_reviews_get_their_identities(workplan_settings):
    """Migration 0006: the activities and goals of existing plans get ids (one id per activity through the
    versions that copied it), names and frequencies; sessions, decisions and reviews name them."""
    url = workplan_settings.migration_database_url
    config = alembic_config(MIGRATIONS, url)
    command.downgrade(config, "0005")
    case_id, v1, v2, session_id = uuid.uuid4(), uuid.uuid4(), uuid.uuid4(), uuid.uuid4()
    _run(
        url,
        "INSERT INTO cases (case_id, case_version, reference, status, clinic_org_id, therapist_id, employer_org_id, "
        "insurer_org_id) VALUES (:c, 1, 'RTW-2026-000009', 'plan_active', 'clinic-north', 't', 'acme', 'northwind')",
        c=case_id,
    )
    warnings = [{"code": "no_graduated_return", "field": "schedule.0", "message": "full duty from the first week"}]
    _run(
        url,
        "INSERT INTO plans (id, case_id, version, status, content, published_at, acknowledged_warnings, "
        "acknowledged_by) VALUES "
        "(:p, :c, 1, 'superseded', CAST(:content AS jsonb), now(), CAST(:w AS jsonb), 'tara-subject')",
        p=v1,
        c=case_id,
        content=_json(OLD_CONTENT),
        w=_json(warnings),
    )
    _run(
        url,
        "INSERT INTO plans (id, case_id, version, status, content, previous_plan_id) "
        "VALUES (:p, :c, 2, 'published', CAST(:content AS jsonb), :v1)",
        p=v2,
        c=case_id,
        content=_json(OLD_CONTENT),
        v1=v1,
    )
    _run(
        url,
        "INSERT INTO sessions (id, case_id, plan_id, request_sha256, revision, session_date, attendance, content, "
        "recorded_by) VALUES (:s, :c, :p, 'x', 1, '2026-11-02', 'attended', CAST(:content AS jsonb), 't')",
        s=session_id,
        c=case_id,
        p=v1,
        content=_json(OLD_SESSION),
    )
    _run(
        url,
        "INSERT INTO progression_decisions (id, case_id, plan_id, session_id, kind, demand, recommended, "
        "recommended_reason, recommended_prescription, chosen, overridden, prescription, decided_by) VALUES "
        "(:d, :c, :p, :s, 'work_simulation', 'lift_floor_waist', 'hold', 'r', '{}', 'hold', false, '{}', 't')",
        d=uuid.uuid4(),
        c=case_id,
        p=v1,
        s=session_id,
    )
    _run(
        url,
        "INSERT INTO reviews (id, case_id, plan_id, review_date, gas, copm, recorded_by) VALUES "
        "(:r, :c, :p, '2026-11-09', CAST(:gas AS jsonb), '[]', 't')",
        r=uuid.uuid4(),
        c=case_id,
        p=v2,
        gas=_json([{"goal": 0, "weight": 2, "attainment": 1}]),
    )
    command.upgrade(config, "head")
    contents = dict(_run(url, "SELECT version, content FROM plans WHERE case_id = :c", c=case_id))
    lift, stand = contents[1]["phases"][0]["activities"]
    assert contents[2]["phases"][0]["activities"] == [lift, stand]  # one id through the versions
    assert (lift["name"], lift["frequency"], stand["name"], stand["frequency"]) == (
        "work simulation: lift floor waist (occasional)",
        "occasional",
        "conditioning: stand",
        None,
    )
    goal_id = contents[1]["goals"][0]["id"]
    assert goal_id == contents[2]["goals"][0]["id"]
    [(session,)] = _run(url, "SELECT content FROM sessions")
    assert [a.get("activity_id") for a in session["activities"]] == [lift["id"], None]
    [(activity_id, frequency)] = _run(url, "SELECT activity_id, frequency FROM progression_decisions")
    assert (str(activity_id), frequency) == (lift["id"], "occasional")
    [(gas,)] = _run(url, "SELECT gas FROM reviews")
    assert gas == [{"goal": 0, "goal_id": goal_id, "weight": 2, "attainment": 1}]
    [(acknowledged,)] = _run(url, "SELECT acknowledged_warnings FROM plans WHERE id = :p", p=v1)
    assert acknowledged[0]["acknowledged_by"] == "tara-subject" and acknowledged[0]["acknowledged_on_version"] == 1
    command.downgrade(config, "0005")  # what the older code would refuse is gone again
    [(content,)] = _run(url, "SELECT content FROM plans WHERE id = :p", p=v1)
    assert content["phases"][0]["activities"] == [OLD_LIFT, OLD_STAND]
    command.upgrade(config, "head")
