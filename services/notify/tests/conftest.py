import uuid
from datetime import UTC, date, datetime
from pathlib import Path
from types import SimpleNamespace

import jwt
import pytest
from fastapi.testclient import TestClient
from sqlalchemy import create_engine

from rtw_notify.app import create_app
from rtw_notify.settings import NotifySettings
from rtw_notify.worker import handlers
from rtw_shared.db import make_session_factory
from rtw_shared.events import (
    AccommodationDecidedV1,
    AccommodationRequestedV1,
    AccommodationWithdrawnV1,
    CaseConsentChangedV1,
    CaseCreatedV1,
    CaseSnapshot,
    CaseStatusChangedV1,
    Consents,
    Envelope,
    PlanCancelledV1,
)
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
    by_type = handlers()

    def run(payload) -> Envelope:
        envelope = Envelope(source="test", data=payload)
        with UnitOfWork(session_factory, source="notify", topic_prefix=notify_settings.topic_prefix) as uow:
            by_type[envelope.type](uow, envelope)
            uow.commit()
        return envelope

    return run


@pytest.fixture
def subject_of(tokens):
    def subject(username: str) -> str:
        return jwt.decode(tokens.user(username), options={"verify_signature": False})["sub"]

    return subject


def case_created(
    *,
    therapist_id: str,
    therapist_email: str | None = "tara@clinic-north.example",
    share_restrictions_with_employer: bool = True,
    share_status_with_insurer: bool = True,
) -> CaseCreatedV1:
    """A case of tara's clinic for acme and northwind, with a reference no other test (or run) uses."""
    snapshot = CaseSnapshot(
        version=1,
        reference=f"RTW-T-{uuid.uuid4().hex[:12]}",
        status="referred",
        clinic_org_id="clinic-north",
        employer_org_id="acme",
        insurer_org_id="northwind",
        therapist_id=therapist_id,
        therapist_email=therapist_email,
        consents=Consents(
            share_restrictions_with_employer=share_restrictions_with_employer,
            share_status_with_insurer=share_status_with_insurer,
        ),
    )
    return CaseCreatedV1(
        case_id=uuid.uuid4(),
        case=snapshot,
        **snapshot.model_dump(
            include={
                "reference",
                "status",
                "clinic_org_id",
                "employer_org_id",
                "insurer_org_id",
                "therapist_id",
                "therapist_email",
            }
        ),
    )


def snapshot(case: CaseCreatedV1, version: int, *, status: str | None = None, **consents: bool) -> CaseSnapshot:
    """The case as intake describes it at `version`: `status` and `consents` changed from case.created."""
    return case.case.model_copy(
        update={
            "version": version,
            "status": status or case.case.status,
            "consents": case.case.consents.model_copy(update=consents),
        }
    )


def status_changed(case: CaseCreatedV1, to: str, *, version: int = 2, **consents: bool) -> CaseStatusChangedV1:
    return CaseStatusChangedV1(
        case_id=case.case_id,
        case=snapshot(case, version, status=to, **consents),
        from_status=case.status,
        to_status=to,
        reason="the worker changed employer",
    )


def consent_changed(
    case: CaseCreatedV1, consent: str, granted: bool, *, version: int, status: str | None = None
) -> CaseConsentChangedV1:
    return CaseConsentChangedV1(
        case_id=case.case_id,
        case=snapshot(case, version, status=status, **{consent: granted}),
        consent=consent,
        granted=granted,
        changed_by="tara",
    )


def requested(case: CaseCreatedV1) -> AccommodationRequestedV1:
    return AccommodationRequestedV1(
        case_id=case.case_id,
        accommodation_id=uuid.uuid4(),
        employer_org_id=case.employer_org_id,
        plan_id=uuid.uuid4(),
        plan_version=1,
        due_date=date(2026, 12, 15),
    )


def decided(case: CaseCreatedV1, decision: str = "confirmed") -> AccommodationDecidedV1:
    return AccommodationDecidedV1(
        case_id=case.case_id,
        accommodation_id=uuid.uuid4(),
        employer_org_id=case.employer_org_id,
        decision=decision,
        decided_by="erin",
        decided_at=datetime.now(UTC),
        attestation_sha256="0" * 64,
    )


def accommodation_withdrawn(case: CaseCreatedV1) -> AccommodationWithdrawnV1:
    return AccommodationWithdrawnV1(
        case_id=case.case_id,
        accommodation_id=uuid.uuid4(),
        employer_org_id=case.employer_org_id,
        reason="case withdrawn",
    )


def plan_cancelled(case: CaseCreatedV1) -> PlanCancelledV1:
    return PlanCancelledV1(case_id=case.case_id, plan_id=uuid.uuid4(), version=1, reason="case withdrawn")


@pytest.fixture
def events() -> SimpleNamespace:
    """Builders of the events notify consumes (tests import nothing from conftest under importlib mode)."""
    return SimpleNamespace(
        case_created=case_created,
        status_changed=status_changed,
        consent_changed=consent_changed,
        requested=requested,
        decided=decided,
        accommodation_withdrawn=accommodation_withdrawn,
        plan_cancelled=plan_cancelled,
    )


@pytest.fixture
def inbox(client, tokens):
    """`inbox("erin", "?unread=true")` → the items of the caller's inbox (asserting 200)."""

    def read(user: str, query: str = "") -> list[dict]:
        response = client.get(f"/v1/notifications{query}", headers=tokens.headers(user))
        assert response.status_code == 200, response.text
        return response.json()["items"]

    return read
