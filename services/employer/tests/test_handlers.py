"""Employer's event handlers on the real database: the case copy, and requests from plans."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta

from sqlalchemy import text

from rtw_employer.handlers import HANDLERS, TOPICS
from rtw_employer.worker import spec


def requests(engine) -> list[dict]:
    with engine.connect() as conn:
        return [dict(r) for r in conn.execute(text("SELECT * FROM accommodation_requests")).mappings()]


def case_copy(engine, case_id) -> dict:
    with engine.connect() as conn:
        return dict(conn.execute(text("SELECT * FROM case_copies WHERE case_id = :c"), {"c": case_id}).mappings()
                    .one())


def case_copy_missing(engine, case_id: uuid.UUID) -> bool:
    with engine.connect() as conn:
        return conn.execute(text("SELECT count(*) FROM case_copies WHERE case_id = :c"), {"c": case_id}).scalar() == 0


def test_a_plan_with_accommodations_opens_one_request_and_announces_it(deliver, case_events, plan_published,
                                                                         engine, outbox):
    created, shared = case_events()
    plan = plan_published(created.case_id)
    deliver(created, shared, plan)
    [row] = requests(engine)
    assert (row["status"], row["employer_org_id"], row["case_id"]) == ("requested", "acme", created.case_id)
    assert (row["plan_id"], row["plan_version"]) == (plan.plan_id, 1)
    assert row["due_date"] == datetime.now(UTC).date() + timedelta(days=7)
    assert [a["category"] for a in row["accommodations"]] == ["modified_duties", "rest_breaks"]
    assert row["restrictions"] == [{"demand": "lift_floor_waist", "frequency": "occasional", "load_kg": 10.0,
                                    "duration_min": None}]
    [(event_type, payload)] = outbox()
    assert event_type == "rtw.accommodation.requested.v1"
    assert payload == {"case_id": str(created.case_id), "accommodation_id": str(row["id"]),
                       "employer_org_id": "acme", "plan_id": str(plan.plan_id), "plan_version": 1,
                       "due_date": row["due_date"].isoformat()}


def test_a_plan_without_accommodations_opens_nothing(deliver, case_events, plan_published, engine, outbox):
    created, shared = case_events()
    deliver(created, shared, plan_published(created.case_id, accommodations=[]))
    assert requests(engine) == []
    assert outbox() == []


def test_the_same_plan_version_published_twice_opens_one_request(deliver, case_events, plan_published, engine,
                                                                  outbox):
    created, shared = case_events()
    plan = plan_published(created.case_id)
    # Each delivery gets a new envelope (event id), so the inbox would not catch it: the constraint must.
    deliver(created, shared, plan, plan)
    assert len(requests(engine)) == 1
    assert [t for t, _ in outbox()] == ["rtw.accommodation.requested.v1"]
    deliver(plan_published(created.case_id, plan_id=plan.plan_id, version=2))
    assert sorted(r["plan_version"] for r in requests(engine)) == [1, 2]


def test_the_case_copy_is_complete_whichever_event_comes_first(deliver, case_events, engine):
    created, shared = case_events(employer="globex", clinic="clinic-south", insurer="contoso")
    deliver(shared)
    assert case_copy(engine, created.case_id)["reference"] is None
    deliver(created)
    copy = case_copy(engine, created.case_id)
    assert {k: copy[k] for k in ("reference", "employer_org_id", "clinic_org_id", "insurer_org_id", "worker_name",
                                 "job_title")} == {
        "reference": "RTW-2026-000042", "employer_org_id": "globex", "clinic_org_id": "clinic-south",
        "insurer_org_id": "contoso", "worker_name": "Maria Lopez", "job_title": "Warehouse associate"}


def test_a_request_may_arrive_before_its_case(deliver, case_events, plan_published, engine):
    created, _ = case_events()
    deliver(plan_published(created.case_id))
    assert len(requests(engine)) == 1
    assert case_copy_missing(engine, created.case_id)


def test_the_worker_consumes_case_and_plan_topics_with_every_handler():
    assert TOPICS == ["intake.case.v1", "workplan.plan.v1"]
    assert set(HANDLERS) == {"rtw.case.created.v1", "rtw.case.shared_with_employer.v1", "rtw.plan.published.v1"}
    worker = spec()
    assert (worker.consumer_name, worker.topics, worker.handlers) == ("employer", TOPICS, HANDLERS)
    assert worker.settings.service_name == "employer"
