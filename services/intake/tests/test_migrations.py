"""Intake's migrations: they build exactly what the models describe, go down and up cleanly, and
upgrade a database that already holds cases, consents and a hash-chained audit log."""

from __future__ import annotations

import json
import uuid
from datetime import UTC, datetime, timedelta

import pytest
from alembic import command
from fastapi.testclient import TestClient
from sqlalchemy import create_engine, inspect, text

from rtw_intake import models  # noqa: F401 — registers every table on the metadata
from rtw_intake.app import create_app
from rtw_intake.db import Base
from rtw_intake.migrate import MIGRATIONS
from rtw_intake.settings import IntakeSettings
from rtw_shared.audit import chain
from rtw_shared.migrations import alembic_config
from rtw_shared.testing import app_url, schema_drift

# Kept on purpose beyond the shared table: it finds rows written before `case_ids` existed.
KEPT_INDEXES = {"ix_audit_log_resource_id"}


def test_the_migrated_schema_is_what_the_models_describe(intake_settings):
    assert schema_drift(intake_settings.migration_database_url, Base.metadata, kept_indexes=KEPT_INDEXES) == []


def test_downgrade_to_the_first_revision_and_upgrade_again(intake_settings):
    config = alembic_config(MIGRATIONS, intake_settings.migration_database_url)
    engine = create_engine(intake_settings.migration_database_url)
    try:
        command.downgrade(config, "0001")
        assert {"audit_log", "parked_events", "case_consents"}.isdisjoint(inspect(engine).get_table_names())
        with engine.connect() as conn:
            assert (
                conn.execute(
                    text("SELECT count(*) FROM pg_proc WHERE proname = 'audit_log_refuse_change'")
                ).scalar_one()
                == 0
            )
        command.upgrade(config, "head")
        with engine.connect() as conn:
            triggers = (
                conn.execute(
                    text("SELECT tgname FROM pg_trigger WHERE tgrelid = 'audit_log'::regclass ORDER BY tgname")
                )
                .scalars()
                .all()
            )
        assert triggers == ["audit_log_append_only", "audit_log_no_truncate"]
    finally:
        engine.dispose()
    assert schema_drift(intake_settings.migration_database_url, Base.metadata, kept_indexes=KEPT_INDEXES) == []


# --- a database that lived at revision 0003 (before consents, case_ids and changed_at) ----------

T0 = datetime(2026, 11, 20, 9, 0, tzinfo=UTC)
CASES = [  # id, the consents JSONB as the old code stored it, its therapist's email in case.created
    (uuid.uuid4(), {"share_restrictions_with_employer": False, "share_status_with_insurer": True}, "tara@example.org"),
    (uuid.uuid4(), {"share_status_with_insurer": False}, None),  # a key missing: as the old code read it
    (uuid.uuid4(), {"share_restrictions_with_employer": True, "share_status_with_insurer": True}, "tara@x.org"),
]


@pytest.fixture
def old_database(scratch_database, rtw_infra, topic_prefix):
    """A database at revision 0003 holding cases, a status projection, outbox rows and audit rows;
    yields the settings of intake on it, once upgraded."""
    owner_url = scratch_database.replace("postgresql://", "postgresql+psycopg://")
    command.upgrade(alembic_config(MIGRATIONS, owner_url), "0003")
    engine = create_engine(owner_url)
    with engine.begin() as conn:
        _old_cases(conn)
        _old_audit_rows(conn, 3)
    engine.dispose()
    return IntakeSettings(
        database_url=app_url(owner_url),
        migration_database_url=owner_url,
        kafka_bootstrap=rtw_infra.kafka_bootstrap,
        topic_prefix=topic_prefix,
        keycloak_url=rtw_infra.keycloak_url,
        keycloak_issuer=rtw_infra.keycloak_issuer,
        log_json=False,
    )


def _old_cases(conn) -> None:
    for number, (case_id, consents, email) in enumerate(CASES, start=1):
        conn.execute(
            text(
                "INSERT INTO cases (id, reference, status, clinic_org_id, employer_org_id, insurer_org_id, "
                "therapist_id, "
                "therapist_username, worker, claim, employment, consents, restrictions, version, "
                "created_at, updated_at) "
                "VALUES (:id, :ref, 'referred', 'clinic-north', 'acme', 'northwind', 'tara-sub', 'tara', :worker, "
                ":claim, :employment, :consents, '[]', 1, :at, :at)"
            ),
            {
                "id": case_id,
                "ref": f"RTW-2026-{number:06d}",
                "consents": json.dumps(consents),
                "at": T0 + timedelta(hours=number),
                "worker": json.dumps({"given_name": "Maria", "family_name": "Lopez", "date_of_birth": "1984-03-02"}),
                "claim": json.dumps(
                    {
                        "claim_number": "WC-1",
                        "insurer_org_id": "northwind",
                        "injury_date": "2026-10-14",
                        "mechanism": None,
                        "body_parts": [],
                        "diagnosis_codes": [],
                    }
                ),
                "employment": json.dumps(
                    {"employer_org_id": "acme", "job_title": "Picker", "hours_per_day": 8, "days_per_week": 5}
                ),
            },
        )
        conn.execute(
            text(
                "INSERT INTO outbox (event_id, topic, key, event_type, headers, payload) "
                "VALUES (:event_id, 'intake.case.v1', :key, 'rtw.case.created.v1', '[]', :payload)"
            ),
            {
                "event_id": uuid.uuid4(),
                "key": str(case_id),
                "payload": json.dumps({"case_id": str(case_id), "therapist_email": email}),
            },
        )
    # The first case's plan was published after its last change.
    conn.execute(
        text("INSERT INTO case_status (case_id, plan_status, updated_at) VALUES (:id, 'published', :at)"),
        {"id": CASES[0][0], "at": T0 + timedelta(days=2)},
    )


def _old_audit_rows(conn, count: int) -> None:
    """Rows chained as the old intake recorder chained them: without case_ids or a correlation id."""
    prev = chain.GENESIS_HASH
    for row_id in range(1, count + 1):
        row = {
            "id": row_id,
            "at": T0 + timedelta(minutes=row_id),
            "subject": "tara-sub",
            "username": "tara",
            "role": "therapist",
            "org_id": "clinic-north",
            "action": "get_case",
            "method": "GET",
            "path": f"/v1/cases/{CASES[0][0]}",
            "resource_type": "case",
            "resource_id": str(CASES[0][0]),
            "outcome": "allowed",
            "status_code": 200,
            "prev_hash": prev,
        }
        row["hash"] = prev = chain.link_hash(prev, row)
        conn.execute(
            text(
                "INSERT INTO audit_log (id, at, subject, username, role, org_id, action, method, path, resource_type, "
                "resource_id, outcome, status_code, prev_hash, hash) VALUES (:id, :at, :subject, :username, :role, "
                ":org_id, :action, :method, :path, :resource_type, :resource_id, :outcome, :status_code, :prev_hash, "
                ":hash)"
            ),
            row,
        )
    conn.execute(text("SELECT setval(pg_get_serial_sequence('audit_log', 'id'), :n)"), {"n": count})


def test_an_existing_database_keeps_its_consents_and_gains_history_email_and_changed_at(old_database):
    owner_url = old_database.migration_database_url
    command.upgrade(alembic_config(MIGRATIONS, owner_url), "head")
    engine = create_engine(owner_url)
    with engine.connect() as conn:
        cases = {
            row.id: row
            for row in conn.execute(
                text(
                    "SELECT id, share_restrictions_with_employer AS employer, share_status_with_insurer AS insurer, "
                    "therapist_email, changed_at, updated_at, version FROM cases"
                )
            )
        }
        history = conn.execute(
            text(
                "SELECT case_id, consent, granted, changed_by_username, changed_at, evidence "
                "FROM case_consents ORDER BY id"
            )
        ).all()
    engine.dispose()
    assert [(cases[c].employer, cases[c].insurer) for c, _, _ in CASES] == [(False, True), (False, False), (True, True)]
    assert [cases[c].therapist_email for c, _, _ in CASES] == [email for _, _, email in CASES]
    assert cases[CASES[0][0]].changed_at == T0 + timedelta(days=2)  # its plan's publication
    assert cases[CASES[1][0]].changed_at == cases[CASES[1][0]].updated_at
    assert {case.version for case in cases.values()} == {1}
    assert len(history) == 6
    assert [(h.consent, h.granted, h.changed_by_username, h.evidence) for h in history if h.case_id == CASES[1][0]] == [
        ("share_restrictions_with_employer", False, "tara", None),
        ("share_status_with_insurer", False, "tara", None),
    ]
    assert {h.changed_at for h in history if h.case_id == CASES[0][0]} == {T0 + timedelta(hours=1)}
    assert schema_drift(owner_url, Base.metadata, kept_indexes=KEPT_INDEXES) == []


def test_the_upgraded_service_serves_old_cases_and_extends_the_old_chain(old_database, tokens):
    command.upgrade(alembic_config(MIGRATIONS, old_database.migration_database_url), "head")
    case_id = CASES[0][0]
    with TestClient(create_app(old_database)) as client:
        consents = client.get(f"/v1/cases/{case_id}/consents", headers=tokens.headers("tara"))
        assert consents.status_code == 200, consents.text
        assert consents.json()["share_restrictions_with_employer"]["granted"] is False
        listed = client.get("/v1/cases?updated_since=2026-11-21T00:00:00Z", headers=tokens.headers("ivy")).json()
        assert [item["id"] for item in listed["items"]] == [str(case_id)]  # only its plan changed since then
        report = client.get("/v1/audit/verify", headers=tokens.headers("ada")).json()
        by_case = client.get(f"/v1/audit?case_id={case_id}", headers=tokens.headers("ada")).json()["items"]
    assert report == {"intact": True, "rows": 5, "first_broken_id": None, "reason": None}
    # Old rows name the case in their resource, new ones in case_ids: the filter finds both.
    assert [(row["id"], row["action"]) for row in by_case] == [
        (5, "list_cases"),
        (4, "read_consents"),
        (3, "get_case"),
        (2, "get_case"),
        (1, "get_case"),
    ]
