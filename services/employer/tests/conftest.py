import html
import json
import re
import uuid
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import httpx
import pytest
from fastapi.testclient import TestClient
from sqlalchemy import text

from rtw_employer.app import create_app
from rtw_employer.settings import EmployerSettings
from rtw_employer.worker import spec
from rtw_shared.db import make_engine
from rtw_shared.events import (
    CaseConsentChangedV1,
    CaseCreatedV1,
    CaseSharedWithEmployerV1,
    CaseSnapshot,
    CaseStatusChangedV1,
    Consents,
    Envelope,
    EventPayload,
    PlanPublishedV1,
)
from rtw_shared.messaging.consumer import apply_in_order
from rtw_shared.worker import LoopContext

MIGRATIONS = Path(__file__).resolve().parents[1] / "rtw_employer" / "migrations"
ACCOMMODATIONS = [
    {"category": "modified_duties", "description": "No floor-level lifting over 10 kg"},
    {"category": "rest_breaks", "description": "10-minute break every hour"},
]
RESTRICTIONS_CONSENT, INSURER_CONSENT = "share_restrictions_with_employer", "share_status_with_insurer"


@pytest.fixture
def employer_settings(service_settings) -> EmployerSettings:
    return service_settings(EmployerSettings, MIGRATIONS)


@pytest.fixture
def client(employer_settings, clock):
    with TestClient(create_app(employer_settings, clock=clock)) as test_client:
        yield test_client


@pytest.fixture
def engine(employer_settings):
    engine = make_engine(employer_settings.database_url, pool_size=2)
    yield engine
    engine.dispose()


@pytest.fixture
def loops(engine, employer_settings, clock) -> LoopContext:
    """What employer's worker gives its loops, on the test's database and clock."""
    return LoopContext(engine, employer_settings, clock)


@pytest.fixture
def deliver(loops, employer_settings):
    """Apply events as the worker's consumer applies them one polled batch at a time, a batch per event."""
    handlers = spec(employer_settings).handlers

    def apply(*payloads: EventPayload) -> None:
        for payload in payloads:
            with loops.unit_of_work() as uow:
                apply_in_order(uow, handlers, [Envelope(source="test", data=payload)], consumer="employer")
                uow.commit()

    return apply


@pytest.fixture
def deliver_together(loops, employer_settings):
    """Apply events as the worker's consumer applies one polled batch: one Unit of Work, one commit,
    each run of consecutive events with one handler in one call."""
    handlers = spec(employer_settings).handlers

    def apply(*payloads: EventPayload) -> None:
        with loops.unit_of_work() as uow:
            envelopes = [Envelope(source="test", data=payload) for payload in payloads]
            apply_in_order(uow, handlers, envelopes, consumer="employer")
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


@dataclass
class CaseStory:
    """Intake's events for one case, as intake sends them: each carries the case's snapshot after its
    change, the version counting up (acme employs, clinic-north treats, northwind insures)."""

    case_id: uuid.UUID = field(default_factory=uuid.uuid4)
    employer: str = "acme"
    clinic: str = "clinic-north"
    insurer: str = "northwind"
    version: int = 1
    status: str = "referred"
    consents: dict = field(default_factory=lambda: {RESTRICTIONS_CONSENT: True, INSURER_CONSENT: True})

    def snapshot(self) -> CaseSnapshot:
        return CaseSnapshot(
            version=self.version,
            reference="RTW-2026-000042",
            status=self.status,
            clinic_org_id=self.clinic,
            employer_org_id=self.employer,
            insurer_org_id=self.insurer,
            therapist_id="therapist-1",
            consents=Consents(**self.consents),
        )

    def created(self) -> CaseCreatedV1:
        return CaseCreatedV1(
            case_id=self.case_id,
            reference="RTW-2026-000042",
            status="referred",
            clinic_org_id=self.clinic,
            employer_org_id=self.employer,
            insurer_org_id=self.insurer,
            therapist_id="therapist-1",
            case=self.snapshot(),
        )

    def shared(self) -> CaseSharedWithEmployerV1:
        """Sent with `case.created` (same version) when the worker shares, and again on a re-grant."""
        return CaseSharedWithEmployerV1(
            case_id=self.case_id,
            employer_org_id=self.employer,
            worker_name="Maria Lopez",
            job_title="Warehouse associate",
            case=self.snapshot(),
        )

    def opened(self) -> list[EventPayload]:
        """What `POST /v1/cases` announces."""
        return [self.created(), self.shared()] if self.consents[RESTRICTIONS_CONSENT] else [self.created()]

    def consent(self, name: str, granted: bool) -> list[EventPayload]:
        """What `PUT /v1/cases/{id}/consents` announces for one changed consent."""
        self.version += 1
        self.consents = {**self.consents, name: granted}
        changed = CaseConsentChangedV1(
            case_id=self.case_id, consent=name, granted=granted, changed_by="tara", case=self.snapshot()
        )
        return [changed, self.shared()] if name == RESTRICTIONS_CONSENT and granted else [changed]

    def moved(self, to_status: str) -> CaseStatusChangedV1:
        from_status, self.status = self.status, to_status
        self.version += 1
        return CaseStatusChangedV1(
            case_id=self.case_id,
            from_status=from_status,
            to_status=to_status,
            reason="worker changed employer",
            case=self.snapshot(),
        )


@pytest.fixture
def case_story():
    """Factory: a new CaseStory (`case_story(employer="globex")`)."""
    return CaseStory


@pytest.fixture
def plan_published():
    """Factory: workplan's `plan.published` for a case, with accommodations unless told otherwise."""

    def make(
        case_id: uuid.UUID,
        *,
        plan_id: uuid.UUID | None = None,
        version: int = 1,
        employer: str = "acme",
        accommodations: list[dict] | None = None,
    ) -> PlanPublishedV1:
        return PlanPublishedV1(
            case_id=case_id,
            plan_id=plan_id or uuid.uuid4(),
            version=version,
            employer_org_id=employer,
            published_at=datetime.now(UTC),
            restrictions=[{"demand": "lift_floor_waist", "frequency": "occasional", "load_kg": 10}],
            schedule=[
                {"week": 1, "hours_per_day": 4, "days_per_week": 5, "duties": "modified"},
                {"week": 2, "hours_per_day": 8, "days_per_week": 5, "duties": "full"},
            ],
            accommodations=ACCOMMODATIONS if accommodations is None else accommodations,
        )

    return make


@pytest.fixture
def request_of(engine):
    """The id (str) of a case's one accommodation request."""

    def find(case_id: uuid.UUID) -> str:
        with engine.connect() as conn:
            return str(
                conn.execute(
                    text("SELECT id FROM accommodation_requests WHERE case_id = :c"), {"c": case_id}
                ).scalar_one()
            )

    return find


@pytest.fixture
def open_request(deliver, case_story, plan_published, request_of):
    """Factory: a case opened and a plan published for it; returns (the new request's id, the story)."""

    def make(**case) -> tuple[str, CaseStory]:
        story = case_story(**case)
        deliver(*story.opened(), plan_published(story.case_id, employer=story.employer))
        return request_of(story.case_id), story

    return make


LOGIN_FORM_ACTION = re.compile(r'<form[^>]*id="kc-form-login"[^>]*action="([^"]+)"')


def keycloak_redirect(authorization_url: str, user: str, password: str = "demo") -> str:
    """Log in on Keycloak's real login page at `authorization_url`, as a person would fill in its form;
    returns where Keycloak sends the browser back (the portal's callback, with code and state)."""
    with httpx.Client(timeout=20, follow_redirects=False) as browser:
        page = browser.get(authorization_url)
        assert page.status_code == 200, page.text[:500]
        action = LOGIN_FORM_ACTION.search(page.text)
        assert action, "Keycloak's login form was not found"
        # Keycloak marks its cookies Secure even on http://127.0.0.1 (browsers treat loopback as a secure
        # context and send them; httpx does not): hand them back as a browser would.
        jar = "; ".join(f"{cookie.name}={cookie.value}" for cookie in browser.cookies.jar)
        answer = browser.post(
            html.unescape(action.group(1)),
            data={"username": user, "password": password},
            headers={"Cookie": jar},
        )
        assert answer.status_code in (302, 303), answer.text[:500]
        return answer.headers["location"]


@pytest.fixture
def sign_in():
    """Sign a portal TestClient (on http://127.0.0.1:8103, where rtw-portal may return) in as `user`
    through Keycloak's login page; returns the callback's answer (a 303 onwards)."""

    def run(client, user: str, *, next_path: str = "/portal/requests"):
        started = client.get("/portal/login", params={"next": next_path}, follow_redirects=False)
        assert started.status_code == 303, started.text
        back = urlsplit(keycloak_redirect(started.headers["location"], user))
        assert back.path == "/portal/callback", back
        query = parse_qs(back.query)
        return client.get(
            "/portal/callback", params={"code": query["code"][0], "state": query["state"][0]}, follow_redirects=False
        )

    return run


PORTAL = "http://127.0.0.1:8103"  # the address the rtw-portal client may return to


@pytest.fixture
def browser(employer_settings):
    """Factory: a fresh cookie jar on the portal (one per person)."""
    apps = []

    def make() -> TestClient:
        test_client = TestClient(create_app(employer_settings), base_url=PORTAL, follow_redirects=False)
        apps.append(test_client.__enter__())
        return test_client

    yield make
    for test_client in apps:
        test_client.__exit__(None, None, None)


@pytest.fixture
def signed_in(browser, sign_in):
    """Factory: a portal browser signed in as `user`."""

    def make(user: str) -> TestClient:
        client = browser()
        assert sign_in(client, user).status_code == 303
        return client

    return make


def csrf_token(page_html: str) -> str:
    """The form token on a portal page."""
    found = re.search(r'name="csrf_token" value="([^"]+)"', page_html)
    assert found, "no form token on the page"
    return found.group(1)


def version_on(page_html: str) -> str:
    """The request version the page's decision forms carry (their If-Match)."""
    found = re.search(r'name="version" value="([^"]+)"', page_html)
    assert found, "no decision form on the page"
    return found.group(1)
