import json
from functools import partial
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import create_engine, text

from rtw_intake.app import create_app
from rtw_intake.organisations.realm import RealmDirectory
from rtw_intake.organisations.sync import sync_once
from rtw_intake.settings import IntakeSettings
from rtw_intake.worker import spec
from rtw_shared.db import make_engine, make_session_factory
from rtw_shared.events import Envelope
from rtw_shared.messaging.consumer import apply_in_order
from rtw_shared.uow import UnitOfWork

MIGRATIONS = Path(__file__).resolve().parents[1] / "rtw_intake" / "migrations"


@pytest.fixture
def intake_settings(service_settings, rtw_infra) -> IntakeSettings:
    """Settings on a copy of the session's template, whose directory of organisations was read from the
    realm once (`sync_the_realm_into`): the app then skips its own read at start, ~80 ms a test (its
    start-up sync is tested in test_organisations.py)."""

    def sync_the_realm_into(owner_url: str) -> None:
        synced = IntakeSettings(
            database_url=owner_url, keycloak_url=rtw_infra.keycloak_url, keycloak_issuer=rtw_infra.keycloak_issuer
        )
        engine = make_engine(owner_url, pool_size=1)
        try:
            unit_of_work = partial(UnitOfWork, make_session_factory(engine), source="intake-tests")
            assert sync_once(unit_of_work, RealmDirectory(synced)), "the realm's directory could not be read"
        finally:
            engine.dispose()

    return service_settings(IntakeSettings, MIGRATIONS, seed=sync_the_realm_into, directory_sync_at_start=False)


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


@pytest.fixture
def deliver(intake_settings):
    """Apply an event as intake's consumer would: its handler in a Unit of Work, then one commit
    (`deliver(payload)`; the envelope it made is returned)."""
    engine = make_engine(intake_settings.database_url, pool_size=2)
    session_factory = make_session_factory(engine)
    handlers = spec(intake_settings).handlers

    def apply(payload) -> Envelope:
        envelope = Envelope(source="employer" if "accommodation" in payload.TYPE else "workplan", data=payload)
        with UnitOfWork(session_factory, source="intake", topic_prefix=intake_settings.topic_prefix) as uow:
            apply_in_order(uow, handlers, [envelope], consumer="intake")
            uow.commit()
        return envelope

    yield apply
    engine.dispose()


@pytest.fixture
def outbox(db):
    """`outbox(event_type)`: the payloads intake wrote for that event type, oldest first (parsed)."""

    def read(event_type: str) -> list[dict]:
        with db.connect() as conn:
            rows = conn.execute(
                text("SELECT payload FROM outbox WHERE event_type = :t ORDER BY id"), {"t": event_type}
            ).scalars()
            return [json.loads(row) for row in rows]

    return read
