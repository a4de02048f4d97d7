"""`rtw-<service>-migrate --wait`: what a Kubernetes pod runs before it starts, so new code never meets
an old schema. It waits for someone else's migration and migrates nothing itself."""

from __future__ import annotations

import threading
import time
from pathlib import Path

import pytest

from rtw_shared.migrations import is_migrated, migrate_command, upgrade, wait_until_migrated

ENV = """
from alembic import context
from sqlalchemy import MetaData

from rtw_shared.migrations import run_env

run_env(context, MetaData(), "unused: the URL comes from the configuration")
"""
REVISION = """
from alembic import op
import sqlalchemy as sa

revision = "{revision}"
down_revision = {down}


def upgrade():
    op.create_table("t_{revision}", sa.Column("id", sa.Integer, primary_key=True))
"""


@pytest.fixture
def migrations(tmp_path: Path) -> Path:
    """A migrations folder of two revisions."""
    (tmp_path / "versions").mkdir()
    (tmp_path / "env.py").write_text(ENV)
    (tmp_path / "versions" / "a.py").write_text(REVISION.format(revision="a", down=None))
    (tmp_path / "versions" / "b.py").write_text(REVISION.format(revision="b", down='"a"'))
    return tmp_path


@pytest.fixture
def url(scratch_database: str) -> str:
    return scratch_database.replace("postgresql://", "postgresql+psycopg://")


def test_a_database_is_migrated_only_at_the_newest_revision(migrations: Path, url: str) -> None:
    assert not is_migrated(migrations, url)
    upgrade(migrations, url, "a")
    assert not is_migrated(migrations, url)
    upgrade(migrations, url)
    assert is_migrated(migrations, url)


def test_waiting_returns_once_another_process_migrated_and_migrates_nothing_itself(migrations: Path, url: str) -> None:
    later = threading.Timer(1.0, upgrade, args=(migrations, url))
    later.start()
    started = time.monotonic()
    migrate_command(
        migrations, owner_url="postgresql+psycopg://nobody@127.0.0.1:1/x", app_url=url, argv=["--wait", "30"]
    )
    assert 0.9 < time.monotonic() - started < 30
    later.join()


def test_waiting_gives_up_with_a_clear_error_when_nobody_migrates(migrations: Path, url: str) -> None:
    with pytest.raises(TimeoutError, match="did its migration run"):
        wait_until_migrated(migrations, url, timeout=0.5, poll=0.1)


def test_without_wait_the_command_migrates_as_the_owner(migrations: Path, url: str) -> None:
    migrate_command(migrations, owner_url=url, app_url="postgresql+psycopg://nobody@127.0.0.1:1/x", argv=[])
    assert is_migrated(migrations, url)


def test_a_named_application_role_that_does_not_exist_fails_the_migration(
    migrations: Path, url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The chart names each service's role; an operator still creating it makes the Job retry."""
    from rtw_shared import migrations as module

    monkeypatch.setattr(module, "APP_ROLE", "no_such_role_yet")
    monkeypatch.setattr(module, "APP_ROLE_REQUIRED", True)
    with pytest.raises(RuntimeError, match="'no_such_role_yet' \\(RTW_DB_APP_ROLE\\) does not exist"):
        upgrade(migrations, url)
    assert not is_migrated(migrations, url)  # one transaction: nothing half done
