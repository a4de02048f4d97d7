import uuid
from datetime import date, datetime, timedelta
from functools import partial
from pathlib import Path
from types import SimpleNamespace

import jwt
import pytest
from fastapi.testclient import TestClient
from sqlalchemy import create_engine

from rtw_notify.app import create_app
from rtw_notify.settings import NotifySettings
from rtw_notify.worker import handlers
from rtw_shared.clock import Clock
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
    PlanPublishedV1,
    RequestedAccommodation,
    Restriction,
    ScheduleWeek,
)
from rtw_shared.events.catalogue import AccommodationExpiredV1, CounterOffer, PlanScheduleWeekStartedV1
from rtw_shared.messaging.consumer import apply_in_order
from rtw_shared.worker import LoopContext

MIGRATIONS = Path(__file__).resolve().parents[1] / "rtw_notify" / "migrations"


@pytest.fixture
def notify_settings(service_settings) -> NotifySettings:
    return service_settings(NotifySettings, MIGRATIONS)


@pytest.fixture
def client(notify_settings, clock):
    with TestClient(create_app(notify_settings, clock=clock)) as test_client:
        yield test_client


@pytest.fixture
def engine(notify_settings):
    engine = create_engine(notify_settings.database_url)
    yield engine
    engine.dispose()


@pytest.fixture
def loops(engine, notify_settings, clock) -> LoopContext:
    """What notify's worker gives its loops (senders, timers), on the test's database and clock."""
    return LoopContext(engine, notify_settings, clock)


@pytest.fixture
def apply(loops):
    """Apply one event through notify's handlers, as the consumer does, and commit it."""
    notify_handlers = handlers()

    def run(payload) -> Envelope:
        envelope = Envelope(source="test", data=payload, time=loops.clock())
        with loops.unit_of_work() as uow:
            apply_in_order(uow, notify_handlers, [envelope], consumer="notify")
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
    """A case of tara's clinic for acme and northwind, with a reference (and northwind's claim number) no
    other test (or run) uses."""
    key = uuid.uuid4().hex[:12]
    snapshot = CaseSnapshot(
        version=1,
        reference=f"RTW-T-{key}",
        claim_number=f"WC-T-{key}",
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


def requested(clock: Clock, case: CaseCreatedV1, due_date: date | None = None) -> AccommodationRequestedV1:
    return AccommodationRequestedV1(
        case_id=case.case_id,
        accommodation_id=uuid.uuid4(),
        employer_org_id=case.employer_org_id,
        plan_id=uuid.uuid4(),
        plan_version=1,
        due_date=due_date or clock().date() + timedelta(days=11),
    )


COUNTER = CounterOffer(
    description="Half days for two weeks instead of the schedule",
    accommodations=[RequestedAccommodation(category="rest_breaks", description="A 10-minute break every 2 hours")],
    schedule=[ScheduleWeek(week=1, hours_per_day=4, days_per_week=5, duties="modified")],
)


def decided(
    clock: Clock,
    case: CaseCreatedV1,
    decision: str = "confirmed",
    *,
    accommodation_id: uuid.UUID | None = None,
    counter: CounterOffer | None = None,
    counter_accepted: bool = False,
) -> AccommodationDecidedV1:
    return AccommodationDecidedV1(
        case_id=case.case_id,
        accommodation_id=accommodation_id or uuid.uuid4(),
        employer_org_id=case.employer_org_id,
        decision=decision,
        decided_by="erin",
        decided_at=clock(),
        attestation_sha256="0" * 64,
        counter=counter,
        counter_accepted=counter_accepted,
    )


def expired(clock: Clock, case: CaseCreatedV1, request: AccommodationRequestedV1) -> AccommodationExpiredV1:
    return AccommodationExpiredV1(
        case_id=case.case_id,
        accommodation_id=request.accommodation_id,
        employer_org_id=case.employer_org_id,
        due_date=request.due_date,
        expired_at=clock(),
    )


DEFAULT = object()  # "the builder's usual date", where None means "no date"


def plan_published(
    clock: Clock,
    case: CaseCreatedV1,
    *,
    plan_id: uuid.UUID | None = None,
    version: int = 1,
    next_review_date=DEFAULT,
    restriction_review=DEFAULT,
) -> PlanPublishedV1:
    """Published today: reviews in two and three weeks, the schedule starting in three days."""
    today = clock().date()
    next_review_date = today + timedelta(days=17) if next_review_date is DEFAULT else next_review_date
    restriction_review = today + timedelta(days=14) if restriction_review is DEFAULT else restriction_review
    return PlanPublishedV1(
        case_id=case.case_id,
        plan_id=plan_id or uuid.uuid4(),
        version=version,
        employer_org_id=case.employer_org_id,
        published_at=clock(),
        restrictions=[
            Restriction(demand="lift_floor_waist", frequency="occasional", load_kg=10, review_date=restriction_review),
            Restriction(demand="stoop", frequency="occasional", review_date=restriction_review),
        ],
        schedule=[ScheduleWeek(week=1, hours_per_day=4, days_per_week=5, duties="modified")],
        accommodations=[RequestedAccommodation(category="rest_breaks", description="10-minute break every hour")],
        projected_rtw_date=today + timedelta(days=42),
        projected_cost=1500.0,
        schedule_start_date=today + timedelta(days=3),
        next_review_date=next_review_date,
    )


def week_started(clock: Clock, case: CaseCreatedV1, week: int = 2) -> PlanScheduleWeekStartedV1:
    return PlanScheduleWeekStartedV1(
        case_id=case.case_id,
        plan_id=uuid.uuid4(),
        version=1,
        employer_org_id=case.employer_org_id,
        week=week,
        starts_on=clock().date() + timedelta(days=7 * (week - 1)),
        hours_per_day=6,
        days_per_week=5,
        duties="modified",
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
def events(clock) -> SimpleNamespace:
    """Builders of the events notify consumes, their dates taken from the test's clock (tests import
    nothing from conftest under importlib mode)."""
    return SimpleNamespace(
        case_created=case_created,
        status_changed=status_changed,
        consent_changed=consent_changed,
        requested=partial(requested, clock),
        decided=partial(decided, clock),
        accommodation_withdrawn=accommodation_withdrawn,
        plan_cancelled=plan_cancelled,
        expired=partial(expired, clock),
        plan_published=partial(plan_published, clock),
        week_started=partial(week_started, clock),
        counter=COUNTER,
    )


@pytest.fixture
def inbox(client, tokens):
    """`inbox("erin", "?unread=true")` → the items of the caller's inbox (asserting 200)."""

    def read(user: str, query: str = "") -> list[dict]:
        response = client.get(f"/v1/notifications{query}", headers=tokens.headers(user))
        assert response.status_code == 200, response.text
        return response.json()["items"]

    return read


@pytest.fixture
def contact(client, tokens):
    """`contact("erin", "ops@acme.example")` → the contact the user's organisation added (asserting 201)."""

    def add(user: str, email: str, **extra) -> dict:
        response = client.post("/v1/contacts", json={"email": email, **extra}, headers=tokens.headers(user))
        assert response.status_code == 201, response.text
        return response.json()

    return add


@pytest.fixture
def fire(loops):
    """`fire(now)`: move the test's clock to `now` and fire notify's timers due then, as the worker's
    timer loop would; how many fired."""
    from rtw_notify.reminders.timers import HANDLERS
    from rtw_shared.timers import fire_due

    def run(now: datetime) -> int:
        loops.clock.now = max(loops.clock.now, now)  # time only moves forward
        return fire_due(loops.unit_of_work, HANDLERS, now)

    return run


class Receiver:
    """A real HTTP receiver on loopback: records every request and answers with the statuses it is
    told (`answers`, consumed in order; 200 once they run out)."""

    def __init__(self):
        import http.server
        import threading

        self.requests: list[dict] = []
        self.answers: list[int] = []
        outer = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_POST(self):
                body = self.rfile.read(int(self.headers.get("content-length", 0)))
                outer.requests.append({"headers": dict(self.headers), "body": body.decode(), "path": self.path})
                status = outer.answers.pop(0) if outer.answers else 200
                self.send_response(status)
                self.send_header("content-length", "2")
                self.end_headers()
                self.wfile.write(b"ok")

            def log_message(self, *args):
                pass

        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/hooks"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def close(self):
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def receiver():
    running = Receiver()
    yield running
    running.close()
