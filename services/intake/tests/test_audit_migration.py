"""Migration 0002 builds exactly the audit_log the model describes, and goes down and up cleanly."""

from __future__ import annotations

from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import create_engine, inspect, text

from rtw_intake import models  # noqa: F401 — registers every table on the metadata
from rtw_intake.db import Base
from rtw_intake.migrate import MIGRATIONS
from rtw_shared.migrations import alembic_config


def _audit_drift(conn) -> list:
    # Other tables are other migrations' business; anything naming audit_log is ours.
    return [d for d in compare_metadata(MigrationContext.configure(conn), Base.metadata) if "audit_log" in repr(d)]


def test_the_migrated_audit_log_is_what_the_model_describes(intake_settings):
    engine = create_engine(intake_settings.migration_database_url)
    with engine.connect() as conn:
        assert _audit_drift(conn) == []
    engine.dispose()


def test_downgrade_removes_the_audit_log_and_upgrade_restores_it(intake_settings):
    config = alembic_config(MIGRATIONS, intake_settings.migration_database_url)
    engine = create_engine(intake_settings.migration_database_url)
    try:
        command.downgrade(config, "0001")
        assert "audit_log" not in inspect(engine).get_table_names()
        with engine.connect() as conn:
            assert conn.execute(text("SELECT count(*) FROM pg_proc WHERE proname = 'audit_log_refuse_change'"))\
                .scalar_one() == 0
        command.upgrade(config, "head")
        with engine.connect() as conn:
            triggers = conn.execute(text("SELECT tgname FROM pg_trigger WHERE tgrelid = 'audit_log'::regclass "
                                         "ORDER BY tgname")).scalars().all()
        assert triggers == ["audit_log_append_only", "audit_log_no_truncate"]
    finally:
        engine.dispose()
