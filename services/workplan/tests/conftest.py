import uuid
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select

from rtw_shared.db import make_engine, make_session_factory
from rtw_shared.events import CaseCreatedV1, Envelope
from rtw_shared.uow import UnitOfWork
from rtw_workplan.app import create_app
from rtw_workplan.cases.handlers import on_case_created
from rtw_workplan.plans.models import Plan
from rtw_workplan.settings import WorkplanSettings

MIGRATIONS = Path(__file__).resolve().parents[1] / "rtw_workplan" / "migrations"


@pytest.fixture
def workplan_settings(service_settings) -> WorkplanSettings:
    return service_settings(WorkplanSettings, MIGRATIONS)


@pytest.fixture
def client(workplan_settings):
    with TestClient(create_app(workplan_settings)) as test_client:
        yield test_client


@pytest.fixture
def session_factory(workplan_settings):
    engine = make_engine(workplan_settings.database_url, pool_size=2)
    yield make_session_factory(engine)
    engine.dispose()


def _case_created(**overrides) -> Envelope:
    fields = {"case_id": uuid.uuid4(), "reference": "RTW-2026-000123", "status": "referred",
              "clinic_org_id": "clinic-north", "employer_org_id": "acme", "insurer_org_id": "northwind",
              "therapist_id": "tara-subject", **overrides}
    return Envelope(source="intake", data=CaseCreatedV1(**fields))


@pytest.fixture
def case_created():
    """Factory: the `case.created` intake sends for tara's clinic (northwind insures, acme employs)."""
    return _case_created


@pytest.fixture
def deliver(session_factory, workplan_settings):
    """Apply an event as the consumer would: the handler inside a Unit of Work, then one commit."""

    def apply(envelope: Envelope) -> None:
        with UnitOfWork(session_factory, source="workplan", topic_prefix=workplan_settings.topic_prefix) as uow:
            on_case_created(uow, envelope)
            uow.commit()

    return apply


@pytest.fixture
def draft_plan(deliver, session_factory, case_created) -> str:
    """The id of the draft plan opened for a new case of tara's clinic."""
    envelope = case_created()
    deliver(envelope)
    with session_factory() as session:
        return str(session.scalars(select(Plan.id).where(Plan.case_id == envelope.data.case_id)).one())
