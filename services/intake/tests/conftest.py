from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from rtw_intake.app import create_app
from rtw_intake.settings import IntakeSettings

MIGRATIONS = Path(__file__).resolve().parents[1] / "rtw_intake" / "migrations"


@pytest.fixture
def intake_settings(rtw_infra, migrated_database, topic_prefix) -> IntakeSettings:
    return IntakeSettings(database_url=migrated_database(MIGRATIONS, "intake"), topic_prefix=topic_prefix,
                          kafka_bootstrap=rtw_infra.kafka_bootstrap, keycloak_url=rtw_infra.keycloak_url,
                          keycloak_issuer=rtw_infra.keycloak_issuer, log_json=False)


@pytest.fixture
def client(intake_settings):
    with TestClient(create_app(intake_settings)) as test_client:
        yield test_client
