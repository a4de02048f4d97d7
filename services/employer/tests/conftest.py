import json
import uuid
from datetime import UTC, datetime
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import text

from rtw_employer.app import create_app
from rtw_employer.handlers import HANDLERS
from rtw_employer.settings import EmployerSettings
from rtw_shared.db import make_engine, make_session_factory
from rtw_shared.events import CaseCreatedV1, CaseSharedWithEmployerV1, Envelope, EventPayload, PlanPublishedV1
from rtw_shared.uow import UnitOfWork

MIGRATIONS = Path(__file__).resolve().parents[1] / "rtw_employer" / "migrations"
ACCOMMODATIONS = [{"category": "modified_duties", "description": "No floor-level lifting over 10 kg"},
                  {"category": "rest_breaks", "description": "10-minute break every hour"}]


@pytest.fixture
def employer_settings(service_settings) -> EmployerSettings:
    return service_settings(EmployerSettings, MIGRATIONS)


@pytest.fixture
def client(employer_settings):
    with TestClient(create_app(employer_settings)) as test_client:
        yield test_client


@pytest.fixture
def engine(employer_settings):
    engine = make_engine(employer_settings.database_url, pool_size=2)
    yield engine
    engine.dispose()


@pytest.fixture
def deliver(engine, employer_settings):
    """Apply events as the worker's consumer would: the handler, then one commit per event."""
    session_factory = make_session_factory(engine)

    def apply(*payloads: EventPayload) -> None:
        for payload in payloads:
            with UnitOfWork(session_factory, source="employer",
                            topic_prefix=employer_settings.topic_prefix) as uow:
                HANDLERS[payload.TYPE](uow, Envelope(source="test", data=payload))
                uow.commit()

    return apply


@pytest.fixture
def outbox(engine):
    """The events waiting in the outbox, in order: [(type, payload as dict)]."""

    def read() -> list[tuple[str, dict]]:
        with engine.connect() as conn:
            rows = conn.execute(text("SELECT event_type, payload FROM outbox ORDER BY id")).all()
        return [(event_type, json.loads(payload)) for event_type, payload in rows]

    return read


@pytest.fixture
def case_events():
    """Factory: intake's two events for a new case (acme employs, clinic-north treats, northwind insures)."""

    def make(case_id: uuid.UUID | None = None, *, employer: str = "acme", clinic: str = "clinic-north",
             insurer: str = "northwind") -> tuple[CaseCreatedV1, CaseSharedWithEmployerV1]:
        case_id = case_id or uuid.uuid4()
        return (
            CaseCreatedV1(case_id=case_id, reference="RTW-2026-000042", status="referred", clinic_org_id=clinic,
                          employer_org_id=employer, insurer_org_id=insurer, therapist_id="therapist-1"),
            CaseSharedWithEmployerV1(case_id=case_id, employer_org_id=employer, worker_name="Maria Lopez",
                                     job_title="Warehouse associate"),
        )

    return make


@pytest.fixture
def plan_published():
    """Factory: workplan's `plan.published` for a case, with accommodations unless told otherwise."""

    def make(case_id: uuid.UUID, *, plan_id: uuid.UUID | None = None, version: int = 1, employer: str = "acme",
             accommodations: list[dict] | None = None) -> PlanPublishedV1:
        return PlanPublishedV1(
            case_id=case_id, plan_id=plan_id or uuid.uuid4(), version=version, employer_org_id=employer,
            published_at=datetime.now(UTC),
            restrictions=[{"demand": "lift_floor_waist", "frequency": "occasional", "load_kg": 10}],
            schedule=[{"week": 1, "hours_per_day": 4, "days_per_week": 5, "duties": "modified"},
                      {"week": 2, "hours_per_day": 8, "days_per_week": 5, "duties": "full"}],
            accommodations=ACCOMMODATIONS if accommodations is None else accommodations,
        )

    return make


@pytest.fixture
def open_request(deliver, case_events, plan_published, engine):
    """Factory: a case and a published plan delivered; returns the new request's id (str)."""

    def make(**case_orgs) -> str:
        created, shared = case_events(**case_orgs)
        deliver(created, shared, plan_published(created.case_id, employer=created.employer_org_id))
        with engine.connect() as conn:
            return str(conn.execute(text("SELECT id FROM accommodation_requests WHERE case_id = :c"),
                                    {"c": created.case_id}).scalar_one())

    return make
