"""Employer's event handlers on the real database: the case copy, and requests from plans."""

from __future__ import annotations

import uuid
from datetime import timedelta

import pytest
from sqlalchemy import text

from rtw_employer.worker import spec
from rtw_shared.events import CaseCreatedV1, CaseEvent, CaseSharedWithEmployerV1, PlanPublishedV1

from .conftest import INSURER_CONSENT, RESTRICTIONS_CONSENT

COPIED = (
    "case_version",
    "reference",
    "status",
    "employer_org_id",
    "clinic_org_id",
    "insurer_org_id",
    "therapist_id",
    "share_restrictions_with_employer",
    "share_status_with_insurer",
    "worker_name",
    "job_title",
)


def requests(engine) -> list[dict]:
    with engine.connect() as conn:
        return [dict(r) for r in conn.execute(text("SELECT * FROM accommodation_requests")).mappings()]


def case_copy(engine, case_id) -> dict:
    with engine.connect() as conn:
        return dict(conn.execute(text("SELECT * FROM case_copies WHERE case_id = :c"), {"c": case_id}).mappings().one())


def case_copy_missing(engine, case_id: uuid.UUID) -> bool:
    with engine.connect() as conn:
        return conn.execute(text("SELECT count(*) FROM case_copies WHERE case_id = :c"), {"c": case_id}).scalar() == 0


def copied(engine, case_id) -> dict:
    copy = case_copy(engine, case_id)
    return {k: copy[k] for k in COPIED}


def test_a_plan_with_accommodations_opens_one_request_and_announces_it(
    deliver, case_story, plan_published, engine, outbox, clock
):
    story = case_story()
    created = story.created()
    plan = plan_published(created.case_id)
    deliver(*story.opened(), plan)
    [row] = requests(engine)
    assert (row["status"], row["employer_org_id"], row["case_id"]) == ("requested", "acme", created.case_id)
    assert (row["plan_id"], row["plan_version"]) == (plan.plan_id, 1)
    assert row["due_date"] == clock.today() + timedelta(days=7)
    assert [a["category"] for a in row["accommodations"]] == ["modified_duties", "rest_breaks"]
    assert row["restrictions"] == [
        {
            "demand": "lift_floor_waist",
            "frequency": "occasional",
            "load_kg": 10.0,
            "duration_min": None,
            "start": None,
            "review_date": None,
            "end": None,
        }
    ]
    [(event_type, payload)] = outbox()
    assert event_type == "rtw.accommodation.requested.v1"
    assert payload == {
        "case_id": str(created.case_id),
        "accommodation_id": str(row["id"]),
        "employer_org_id": "acme",
        "plan_id": str(plan.plan_id),
        "plan_version": 1,
        "due_date": row["due_date"].isoformat(),
    }


def test_a_plan_without_accommodations_opens_nothing(deliver, case_story, plan_published, engine, outbox):
    story = case_story()
    deliver(*story.opened(), plan_published(story.case_id, accommodations=[]))
    assert requests(engine) == []
    assert outbox() == []


def test_the_same_plan_version_published_twice_opens_one_request(deliver, case_story, plan_published, engine, outbox):
    story = case_story()
    plan = plan_published(story.case_id)
    # Each delivery gets a new envelope (event id), so the inbox would not catch it: the constraint must.
    deliver(*story.opened(), plan, plan)
    assert len(requests(engine)) == 1
    assert [t for t, _ in outbox()] == ["rtw.accommodation.requested.v1"]
    deliver(plan_published(story.case_id, plan_id=plan.plan_id, version=2))
    assert sorted(r["plan_version"] for r in requests(engine)) == [1, 2]


@pytest.mark.parametrize("first", ["created", "shared"])
def test_the_case_copy_is_complete_whichever_event_comes_first(deliver, case_story, engine, first):
    story = case_story(employer="globex", clinic="clinic-south", insurer="contoso")
    created, shared = story.opened()
    deliver(*((created, shared) if first == "created" else (shared, created)))
    assert copied(engine, story.case_id) == {
        "case_version": 1,
        "reference": "RTW-2026-000042",
        "status": "referred",
        "employer_org_id": "globex",
        "clinic_org_id": "clinic-south",
        "insurer_org_id": "contoso",
        "therapist_id": "therapist-1",
        "share_restrictions_with_employer": True,
        "share_status_with_insurer": True,
        "worker_name": "Maria Lopez",
        "job_title": "Warehouse associate",
    }


def test_an_older_snapshot_arriving_after_a_newer_one_changes_nothing(deliver, case_story, engine):
    story = case_story()
    opened = story.opened()
    assessing = story.moved("assessing")
    withdrawn = story.consent(INSURER_CONSENT, False)
    deliver(*opened, *withdrawn, assessing, *opened)  # a replay of versions 2 and 1 after version 3
    assert copied(engine, story.case_id) == {
        "case_version": 3,
        "reference": "RTW-2026-000042",
        "status": "assessing",
        "employer_org_id": "acme",
        "clinic_org_id": "clinic-north",
        "insurer_org_id": "northwind",
        "therapist_id": "therapist-1",
        "share_restrictions_with_employer": True,
        "share_status_with_insurer": False,
        "worker_name": "Maria Lopez",
        "job_title": "Warehouse associate",
    }


def test_withdrawing_the_employer_consent_clears_name_and_job_title_and_a_regrant_restores_them(
    deliver, case_story, engine
):
    story = case_story()
    deliver(*story.opened(), *story.consent(RESTRICTIONS_CONSENT, False))
    assert (case_copy(engine, story.case_id)["worker_name"], case_copy(engine, story.case_id)["job_title"]) == (
        None,
        None,
    )
    changed, shared = story.consent(RESTRICTIONS_CONSENT, True)
    deliver(shared, changed)  # intake announces both with one version: the name must land in either order
    copy = case_copy(engine, story.case_id)
    assert (copy["worker_name"], copy["case_version"], copy["share_restrictions_with_employer"]) == (
        "Maria Lopez",
        3,
        True,
    )
    old_withdrawal = story.consent(RESTRICTIONS_CONSENT, False)
    regrant = story.consent(RESTRICTIONS_CONSENT, True)
    deliver(*regrant, *old_withdrawal)  # the withdrawal is older than the re-grant: it changes nothing
    assert case_copy(engine, story.case_id)["worker_name"] == "Maria Lopez"


def test_a_name_sent_before_a_withdrawal_but_arriving_after_it_is_not_stored(deliver, case_story, engine):
    story = case_story()
    created, shared = story.opened()
    deliver(created, *story.consent(RESTRICTIONS_CONSENT, False), shared)
    copy = case_copy(engine, story.case_id)
    assert (copy["worker_name"], copy["share_restrictions_with_employer"], copy["case_version"]) == (None, False, 2)


def test_events_written_before_snapshots_still_build_the_copy(deliver, engine):
    case_id = uuid.uuid4()
    deliver(
        CaseSharedWithEmployerV1(
            case_id=case_id, employer_org_id="acme", worker_name="Maria Lopez", job_title="Warehouse associate"
        )
    )
    partial = copied(engine, case_id)
    assert (partial["case_version"], partial["reference"], partial["worker_name"]) == (0, None, "Maria Lopez")
    assert partial["share_restrictions_with_employer"] is False  # consents unknown: not shown yet
    deliver(
        CaseCreatedV1(
            case_id=case_id,
            reference="RTW-2026-000007",
            status="referred",
            clinic_org_id="clinic-north",
            employer_org_id="acme",
            insurer_org_id="northwind",
            therapist_id="therapist-1",
        )
    )
    copy = copied(engine, case_id)
    assert (copy["case_version"], copy["reference"], copy["worker_name"], copy["share_restrictions_with_employer"]) == (
        1,
        "RTW-2026-000007",
        "Maria Lopez",
        True,
    )
    other = uuid.uuid4()  # the usual order: created, then shared
    deliver(
        CaseCreatedV1(
            case_id=other,
            reference="RTW-2026-000008",
            status="referred",
            clinic_org_id="clinic-north",
            employer_org_id="acme",
            insurer_org_id="northwind",
            therapist_id="therapist-1",
        ),
        CaseSharedWithEmployerV1(case_id=other, employer_org_id="acme", worker_name="Sam Okafor", job_title="Driver"),
    )
    assert (copied(engine, other)["case_version"], copied(engine, other)["worker_name"]) == (1, "Sam Okafor")


def test_a_request_may_arrive_before_its_case(deliver, case_story, plan_published, engine):
    story = case_story()
    deliver(plan_published(story.case_id))
    assert len(requests(engine)) == 1
    assert case_copy_missing(engine, story.case_id)


def test_the_worker_applies_every_intake_case_event_and_published_plans():
    worker = spec()
    intake_events = {cls for cls in CaseEvent.__subclasses__() if hasattr(cls, "TYPE")}
    assert set(worker.handlers.event_types()) == {cls.TYPE for cls in intake_events | {PlanPublishedV1}}
    assert len(intake_events) >= 4  # created, shared with employer, status changed, consent changed
    assert worker.topics == sorted({CaseCreatedV1.TOPIC.name, PlanPublishedV1.TOPIC.name})
    assert (worker.consumer_name, worker.settings.service_name) == ("employer", "employer")
