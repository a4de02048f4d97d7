"""The hand-written migration matches the ORM models, and goes down and up again cleanly."""

from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import create_engine, inspect

from rtw_shared.migrations import alembic_config
from rtw_workplan import models  # noqa: F401 — registers every table on the metadata
from rtw_workplan.db import Base

from_migration_only = {"outbox", "inbox", "alembic_version"}  # shared tables, not workplan's models


def _tables(url: str) -> set[str]:
    engine = create_engine(url)
    try:
        return set(inspect(engine).get_table_names())
    finally:
        engine.dispose()


def test_the_migrated_schema_is_what_the_models_describe(workplan_settings):
    engine = create_engine(workplan_settings.migration_database_url)
    with engine.connect() as conn:
        diff = compare_metadata(MigrationContext.configure(conn), Base.metadata)
    engine.dispose()
    drift = [d for d in diff if not (d[0] == "remove_table" and d[1].name in from_migration_only)
             and not (d[0] == "remove_index" and d[1].table.name in from_migration_only)]
    assert drift == []


def test_downgrade_removes_everything_and_upgrade_restores_it(workplan_settings):
    from rtw_workplan.migrate import MIGRATIONS

    config = alembic_config(MIGRATIONS, workplan_settings.migration_database_url)
    command.downgrade(config, "base")
    assert _tables(workplan_settings.migration_database_url) == {"alembic_version"}
    command.upgrade(config, "head")
    assert _tables(workplan_settings.migration_database_url) == {"alembic_version", "cases", "plans", "outbox", "inbox"}
