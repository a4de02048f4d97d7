from pathlib import Path

import pytest
from fastapi.testclient import TestClient

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
