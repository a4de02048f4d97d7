import uuid
from datetime import UTC, date, datetime
from pathlib import Path
from types import SimpleNamespace

import jwt
import pytest
from fastapi.testclient import TestClient
from sqlalchemy import create_engine

from rtw_notify.app import create_app
from rtw_notify.handlers import HANDLERS
from rtw_notify.settings import NotifySettings
from rtw_shared.db import make_session_factory
from rtw_shared.events import AccommodationDecidedV1, AccommodationRequestedV1, CaseCreatedV1, Envelope
from rtw_shared.uow import UnitOfWork

MIGRATIONS = Path(__file__).resolve().parents[1] / "rtw_notify" / "migrations"


@pytest.fixture
def notify_settings(service_settings) -> NotifySettings:
    return service_settings(NotifySettings, MIGRATIONS)


@pytest.fixture
def client(notify_settings):
    with TestClient(create_app(notify_settings)) as test_client:
        yield test_client


@pytest.fixture
def engine(notify_settings):
    engine = create_engine(notify_settings.database_url)
    yield engine
    engine.dispose()


@pytest.fixture
def apply(engine, notify_settings):
    """Apply one event through notify's handlers, as the consumer would, and commit it."""
    session_factory = make_session_factory(engine)

    def run(payload) -> Envelope:
        envelope = Envelope(source="test", data=payload)
        with UnitOfWork(session_factory, source="notify", topic_prefix=notify_settings.topic_prefix) as uow:
            HANDLERS[envelope.type](uow, envelope)
            uow.commit()
        return envelope

    return run


@pytest.fixture
def subject_of(tokens):
    def subject(username: str) -> str:
        return jwt.decode(tokens.user(username), options={"verify_signature": False})["sub"]

    return subject


def case_created(*, therapist_id: str, therapist_email: str | None = "tara@clinic-north.example") -> CaseCreatedV1:
    """A case of tara's clinic for acme, with a reference no other test (or run) uses."""
    return CaseCreatedV1(case_id=uuid.uuid4(), reference=f"RTW-T-{uuid.uuid4().hex[:12]}", status="referred",
                         clinic_org_id="clinic-north", employer_org_id="acme", insurer_org_id="northwind",
                         therapist_id=therapist_id, therapist_email=therapist_email)


def requested(case: CaseCreatedV1) -> AccommodationRequestedV1:
    return AccommodationRequestedV1(case_id=case.case_id, accommodation_id=uuid.uuid4(),
                                    employer_org_id=case.employer_org_id, plan_id=uuid.uuid4(), plan_version=1,
                                    due_date=date(2026, 12, 15))


def decided(case: CaseCreatedV1, decision: str = "confirmed") -> AccommodationDecidedV1:
    return AccommodationDecidedV1(case_id=case.case_id, accommodation_id=uuid.uuid4(),
                                  employer_org_id=case.employer_org_id, decision=decision, decided_by="erin",
                                  decided_at=datetime.now(UTC), attestation_sha256="0" * 64)


@pytest.fixture
def events() -> SimpleNamespace:
    """Builders of the events notify consumes (tests import nothing from conftest under importlib mode)."""
    return SimpleNamespace(case_created=case_created, requested=requested, decided=decided)
