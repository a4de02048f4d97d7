"""The status projection, fed through intake's worker as `rtw-intake-worker` runs it (real Kafka,
real PostgreSQL): workplan's and employer's events reach the insurer's one-call status, the
timeline and `updated_since` — without touching the case's own version."""

from __future__ import annotations

import dataclasses
import threading
import uuid
from datetime import UTC, date, datetime

import pytest
from sqlalchemy import text

from rtw_devstack.journey import new_case
from rtw_intake.worker import spec
from rtw_shared import topics
from rtw_shared.db import make_engine
from rtw_shared.events import (
    AccommodationDecidedV1,
    AccommodationRequestedV1,
    AccommodationWithdrawnV1,
    Envelope,
    PlanCancelledV1,
    PlanPublishedV1,
    encode_record,
)
from rtw_shared.messaging.clients import ensure_topics, make_admin, make_producer
from rtw_shared.testing import wait_for
from rtw_shared.worker import build_loops


@pytest.fixture
def send(intake_settings):
    """`send(payload)` puts an event on this test's own topics; intake's consumer runs meanwhile."""
    settings = intake_settings.model_copy(update={"topic_prefix": f"i{uuid.uuid4().hex[:8]}."})
    own_topics = {settings.topic_prefix + t.name: t.partitions for t in (topics.PLAN, topics.ACCOMMODATION)}
    ensure_topics(settings.kafka_bootstrap, own_topics)
    engine = make_engine(settings.database_url, pool_size=2)
    [consumer] = build_consumer(settings, engine)
    thread = threading.Thread(target=consumer.run, daemon=True)
    thread.start()
    producer = make_producer(settings.kafka_bootstrap)

    def put(payload) -> Envelope:
        """`payload` (a new event), or an Envelope sent before (the same event, redelivered)."""
        if isinstance(payload, Envelope):
            envelope = payload
        else:
            envelope = Envelope(source="workplan" if payload.TOPIC is topics.PLAN else "employer", data=payload)
        key, value, headers = encode_record(envelope)
        producer.send(envelope.topic(settings.topic_prefix), key=key, value=value, headers=headers).get(timeout=30)
        return envelope

    yield put
    producer.close()
    consumer.stop()
    thread.join(timeout=30)
    engine.dispose()
    admin = make_admin(settings.kafka_bootstrap, client_id="rtw-intake-tests")
    try:
        admin.delete_topics(list(own_topics))
    finally:
        admin.close()


def build_consumer(settings, engine):
    """The consumer of intake's worker, in a consumer group of this test's own."""
    worker = dataclasses.replace(spec(settings), consumer_name=f"intake-{uuid.uuid4().hex[:8]}")
    return build_loops(worker, engine, {"consumer"})


def applied(db, envelope: Envelope) -> bool:
    with db.connect() as conn:
        return conn.execute(text("SELECT count(*) FROM inbox WHERE event_id = :id"), {"id": envelope.id}).scalar() == 1


def create(client, tokens) -> dict:
    response = client.post("/v1/cases", json=new_case(), headers=tokens.headers("tara"))
    assert response.status_code == 201, response.text
    return response.json()


def published(case_id, version=1, **extra) -> PlanPublishedV1:
    return PlanPublishedV1(
        case_id=case_id,
        plan_id=extra.pop("plan_id", uuid.uuid4()),
        version=version,
        employer_org_id="acme",
        published_at=datetime.now(UTC),
        restrictions=[],
        schedule=[],
        accommodations=[],
        projected_rtw_date=extra.pop("projected_rtw_date", date(2027, 1, 15)),
        projected_cost=1375.0,
        **extra,
    )


def db_now(db) -> datetime:
    with db.connect() as conn:
        return conn.execute(text("SELECT clock_timestamp()")).scalar()


def test_an_insurer_polling_updated_since_sees_the_case_once_its_plan_is_published(client, tokens, db, send):
    case, quiet = create(client, tokens), create(client, tokens)
    since = db_now(db).isoformat()
    poll = {"updated_since": since}
    assert client.get("/v1/cases", params=poll, headers=tokens.headers("ivy")).json()["items"] == []

    event = send(published(uuid.UUID(case["id"])))
    assert wait_for(lambda: applied(db, event)), "plan.published was not applied"

    items = client.get("/v1/cases", params=poll, headers=tokens.headers("ivy")).json()["items"]
    assert [item["id"] for item in items] == [case["id"]]
    everything = client.get("/v1/cases", headers=tokens.headers("ivy")).json()["items"]
    assert [item["id"] for item in everything] == [case["id"], quiet["id"]]  # most recently changed first
    status = client.get(f"/v1/cases/{case['id']}/status", headers=tokens.headers("ivy")).json()
    assert (
        status["plan"]["status"],
        status["plan"]["version"],
        status["projected_rtw_date"],
        status["cost"]["projected"],
    ) == ("published", 1, "2027-01-15", 1375.0)
    assert status["updated_at"] > since
    # The case was still `referred`: the published plan walked it through `assessing` (two versions on).
    view = client.get(f"/v1/cases/{case['id']}", headers=tokens.headers("tara"))
    assert (view.json()["status"], view.headers["ETag"]) == ("plan_active", f'"{case["version"] + 2}"')
    assert status["status"] == "plan_active"


def test_cancellation_withdrawal_and_late_news_land_on_status_and_timeline(client, tokens, db, send):
    case = create(client, tokens)
    case_id, request, older_request = uuid.UUID(case["id"]), uuid.uuid4(), uuid.uuid4()
    events = [
        published(case_id, version=2),
        published(case_id, version=1),  # late: changes nothing, not even the timeline
        AccommodationRequestedV1(
            case_id=case_id,
            accommodation_id=request,
            employer_org_id="acme",
            plan_id=uuid.uuid4(),
            plan_version=2,
            due_date=date(2026, 12, 10),
        ),
        AccommodationWithdrawnV1(
            case_id=case_id, accommodation_id=request, employer_org_id="acme", reason="the case was withdrawn"
        ),
        AccommodationDecidedV1(
            case_id=case_id,
            accommodation_id=older_request,
            employer_org_id="acme",
            decision="confirmed",
            decided_by="erin",
            decided_at=datetime.now(UTC),
            attestation_sha256="0" * 64,
        ),  # about an older request: timeline only
        PlanCancelledV1(case_id=case_id, plan_id=uuid.uuid4(), version=2, reason="the case was withdrawn"),
    ]
    envelopes = [send(event) for event in events]
    assert wait_for(lambda: all(applied(db, e) for e in envelopes)), "not every event was applied"

    status = client.get(f"/v1/cases/{case['id']}/status", headers=tokens.headers("tara")).json()
    assert (status["plan"]["status"], status["plan"]["version"], status["accommodation"]["status"]) == (
        "cancelled",
        2,
        "withdrawn",
    )
    timeline = client.get(f"/v1/cases/{case['id']}/timeline", headers=tokens.headers("ivy")).json()["items"]
    kinds = sorted(entry["kind"] for entry in timeline)  # two topics: no order between them
    assert kinds == sorted(
        [
            "case.opened",
            "plan.published",
            "case.status_changed",  # referred → assessing → plan_active, as version 2 was published
            "case.status_changed",
            "status.rtw_date_changed",  # its projected return date is the first
            "accommodation.requested",
            "accommodation.decided",
            "accommodation.withdrawn",
            "plan.cancelled",
        ]
    )
    summaries = {entry["kind"]: entry["summary"] for entry in timeline}
    assert summaries["plan.cancelled"] == "Plan version 2 cancelled: the case was withdrawn"
    assert summaries["accommodation.withdrawn"] == "Accommodation request withdrawn: the case was withdrawn"


def test_an_event_for_a_case_intake_does_not_have_is_skipped_not_dead_lettered(client, tokens, db, send):
    stranger, case = send(published(uuid.uuid4())), create(client, tokens)
    known = send(published(uuid.UUID(case["id"])))
    assert wait_for(lambda: applied(db, stranger) and applied(db, known)), "the events were not both taken"
    with db.connect() as conn:
        projected = conn.execute(text("SELECT case_id FROM case_status")).scalars().all()
        entries = conn.execute(text("SELECT count(*) FROM case_timeline WHERE kind = 'plan.published'")).scalar()
    assert [str(case_id) for case_id in projected] == [case["id"]] and entries == 1


def test_a_redelivered_publication_moves_and_announces_nothing_twice(client, tokens, db, send):
    case = create(client, tokens)
    event = send(published(uuid.UUID(case["id"])))
    again = send(event)  # the same event id, as Kafka redelivers after a crash before the commit
    later = send(published(uuid.UUID(case["id"]), version=2, projected_rtw_date=date(2027, 1, 22)))
    assert wait_for(lambda: applied(db, again) and applied(db, later)), "the events were not taken"
    with db.connect() as conn:
        announced = conn.execute(
            text("SELECT event_type, payload::jsonb->>'to_status', payload::jsonb->>'to_date' FROM outbox ORDER BY id")
        ).all()
    moved = ("rtw.case.status_changed.v1", "rtw.case.rtw_date_changed.v1")
    assert [tuple(row) for row in announced if row[0] in moved] == [
        ("rtw.case.status_changed.v1", "assessing", None),
        ("rtw.case.status_changed.v1", "plan_active", None),
        ("rtw.case.rtw_date_changed.v1", None, "2027-01-15"),
        ("rtw.case.rtw_date_changed.v1", None, "2027-01-22"),
    ]
