from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import create_engine, text

from rtw_intake.app import create_app
from rtw_intake.settings import IntakeSettings

MIGRATIONS = Path(__file__).resolve().parents[1] / "rtw_intake" / "migrations"


@pytest.fixture
def intake_settings(service_settings) -> IntakeSettings:
    return service_settings(IntakeSettings, MIGRATIONS)


@pytest.fixture
def client(intake_settings):
    with TestClient(create_app(intake_settings)) as test_client:
        yield test_client


@pytest.fixture
def db(intake_settings):
    """The test database as its owner (who may read everything, and tamper)."""
    engine = create_engine(intake_settings.migration_database_url)
    yield engine
    engine.dispose()


@pytest.fixture
def audit_rows(db):
    """`audit_rows()`: every audit row, in chain order."""

    def read() -> list[dict]:
        with db.connect() as conn:
            return [dict(r) for r in conn.execute(text("SELECT * FROM audit_log ORDER BY id")).mappings()]

    return read
