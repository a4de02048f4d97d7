import uuid
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select

from rtw_shared.db import make_engine, make_session_factory
from rtw_shared.events import (
    CaseAssessedV1,
    CaseConsentChangedV1,
    CaseCreatedV1,
    CaseRestrictionsChangedV1,
    CaseSharedWithEmployerV1,
    CaseSnapshot,
    CaseStatusChangedV1,
    Consents,
    Envelope,
)
from rtw_shared.messaging.consumer import apply_in_order
from rtw_shared.testing import session_clock
from rtw_shared.uow import UnitOfWork
from rtw_workplan import worker
from rtw_workplan.app import create_app
from rtw_workplan.plans.models import Plan
from rtw_workplan.settings import WorkplanSettings

MIGRATIONS = Path(__file__).resolve().parents[1] / "rtw_workplan" / "migrations"


@pytest.fixture
def workplan_settings(service_settings) -> WorkplanSettings:
    return service_settings(WorkplanSettings, MIGRATIONS)


@pytest.fixture
def client(workplan_settings):
    with TestClient(create_app(workplan_settings, clock=session_clock)) as test_client:
        yield test_client


@pytest.fixture
def session_factory(workplan_settings):
    engine = make_engine(workplan_settings.database_url, pool_size=2)
    yield make_session_factory(engine)
    engine.dispose()


class CaseStory:
    """One case as intake tells it: every event carries the snapshot after its change, one version
    newer than the last. Events are made, not delivered: a test delivers them in any order."""

    def __init__(
        self,
        *,
        case_id: uuid.UUID | None = None,
        reference: str = "RTW-2026-000123",
        status: str = "referred",
        clinic_org_id: str = "clinic-north",
        employer_org_id: str = "acme",
        insurer_org_id: str = "northwind",
        therapist_id: str = "tara-subject",
        share_restrictions_with_employer: bool = True,
        share_status_with_insurer: bool = True,
    ):
        self.case_id = case_id or uuid.uuid4()
        self.snapshot = CaseSnapshot(
            version=1,
            reference=reference,
            status=status,
            clinic_org_id=clinic_org_id,
            employer_org_id=employer_org_id,
            insurer_org_id=insurer_org_id,
            therapist_id=therapist_id,
            consents=Consents(
                share_restrictions_with_employer=share_restrictions_with_employer,
                share_status_with_insurer=share_status_with_insurer,
            ),
        )

    def created(self, job=None) -> Envelope:
        s = self.snapshot
        return self._envelope(
            CaseCreatedV1(
                case_id=self.case_id,
                case=s,
                reference=s.reference,
                status=s.status,
                clinic_org_id=s.clinic_org_id,
                employer_org_id=s.employer_org_id,
                insurer_org_id=s.insurer_org_id,
                therapist_id=s.therapist_id,
                job=job,
            )
        )

    def assessed(self, assessed_on, **measured) -> Envelope:
        """`case.assessed` (one version newer): capacities, grip, pain_nrs, copm as given."""
        self._advance()
        return self._envelope(
            CaseAssessedV1(
                case_id=self.case_id,
                case=self.snapshot,
                assessment_id=uuid.uuid4(),
                assessed_on=assessed_on,
                **measured,
            )
        )

    def restrictions_changed(self, restrictions) -> Envelope:
        """`case.restrictions_changed` (one version newer): the case's whole list."""
        self._advance()
        return self._envelope(
            CaseRestrictionsChangedV1(case_id=self.case_id, case=self.snapshot, restrictions=restrictions)
        )

    def consent(self, consent: str, granted: bool) -> Envelope:
        consents = self.snapshot.consents.model_copy(update={consent: granted})
        self._advance(consents=consents)
        return self._envelope(
            CaseConsentChangedV1(
                case_id=self.case_id, case=self.snapshot, consent=consent, granted=granted, changed_by="tara"
            )
        )

    def status(self, to_status: str) -> Envelope:
        from_status = self.snapshot.status
        self._advance(status=to_status)
        return self._envelope(
            CaseStatusChangedV1(case_id=self.case_id, case=self.snapshot, from_status=from_status, to_status=to_status)
        )

    def shared_with_employer(self) -> Envelope:
        return self._envelope(
            CaseSharedWithEmployerV1(
                case_id=self.case_id,
                case=self.snapshot,
                employer_org_id=self.snapshot.employer_org_id,
                worker_name="Maria Lopez",
                job_title="Warehouse associate",
            )
        )

    def _advance(self, **changes) -> None:
        self.snapshot = self.snapshot.model_copy(update={"version": self.snapshot.version + 1, **changes})

    def _envelope(self, event) -> Envelope:
        return Envelope(source="intake", data=event)


@pytest.fixture
def case_story():
    """Factory: a new `CaseStory` (tara's clinic, acme employs, northwind insures, both consents given)."""
    return CaseStory


@pytest.fixture
def case_created():
    """Factory: the `case.created` intake sends for a new case (overrides as for `CaseStory`)."""
    return lambda **overrides: CaseStory(**overrides).created()


@pytest.fixture
def deliver(session_factory, workplan_settings):
    """Apply an event as the worker's consumer would: its handler inside a Unit of Work, then one commit."""
    handlers = worker.spec(workplan_settings).handlers

    def apply(envelope: Envelope) -> None:
        with UnitOfWork(
            session_factory, source="workplan", topic_prefix=workplan_settings.topic_prefix, clock=session_clock
        ) as uow:
            apply_in_order(uow, handlers, [envelope], consumer="workplan")
            uow.commit()

    return apply


@pytest.fixture
def draft_plan(deliver, session_factory, case_created) -> str:
    """The id of the draft plan opened for a new case of tara's clinic."""
    envelope = case_created()
    deliver(envelope)
    with session_factory() as session:
        return str(session.scalars(select(Plan.id).where(Plan.case_id == envelope.data.case_id)).one())
