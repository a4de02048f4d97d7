"""Intake's case events on the real database: the case copy keeps the newest snapshot, the first
snapshot opens the draft plan, and an ended case cancels its open plans (announced on the outbox)."""

import json

from sqlalchemy import select, text

from rtw_shared.events import CaseCreatedV1, Envelope
from rtw_shared.uow import UnitOfWork
from rtw_workplan import worker
from rtw_workplan.cases.models import CaseCopy
from rtw_workplan.plans.models import EMPTY_CONTENT, Plan


def plans_of(session_factory, case_id) -> list[Plan]:
    with session_factory() as session:
        return list(session.scalars(select(Plan).where(Plan.case_id == case_id).order_by(Plan.version)))


def copy_of(session_factory, case_id) -> CaseCopy | None:
    with session_factory() as session:
        return session.get(CaseCopy, case_id)


def consents(case: CaseCopy) -> tuple[bool, bool]:
    return case.share_restrictions_with_employer, case.share_status_with_insurer


def cancellations(session_factory) -> list[dict]:
    """The `plan.cancelled` events on workplan's outbox, oldest first."""
    with session_factory() as session:
        rows = session.execute(
            text("SELECT payload FROM outbox WHERE event_type = 'rtw.plan.cancelled.v1' ORDER BY id")
        ).scalars()
        return [json.loads(payload) for payload in rows]


def test_a_new_case_gets_a_copy_and_an_empty_draft_plan_version_1(deliver, session_factory, case_story):
    story = case_story(share_restrictions_with_employer=False)
    deliver(story.created())
    [plan] = plans_of(session_factory, story.case_id)
    assert (plan.version, plan.status, plan.published_at, plan.revision) == (1, "draft", None, 1)
    assert plan.content == EMPTY_CONTENT
    case = copy_of(session_factory, story.case_id)
    assert (
        case.case_version,
        case.reference,
        case.status,
        case.clinic_org_id,
        case.employer_org_id,
        case.insurer_org_id,
        case.therapist_id,
    ) == (1, "RTW-2026-000123", "referred", "clinic-north", "acme", "northwind", "tara-subject")
    assert consents(case) == (False, True)


def test_the_same_case_arriving_again_opens_no_second_plan(deliver, session_factory, case_created):
    # The inbox drops a redelivered event; this covers the same case re-sent under a new event id.
    first = case_created()
    deliver(first)
    deliver(case_created(case_id=first.data.case_id))
    assert [p.version for p in plans_of(session_factory, first.data.case_id)] == [1]


def test_the_handler_leaves_the_commit_to_the_consumer(session_factory, case_created, workplan_settings):
    envelope = case_created()
    with UnitOfWork(session_factory, source="workplan") as uow:
        worker.spec(workplan_settings).handlers.handler_for(envelope.type)(uow, [envelope])
    # Leaving without uow.commit() rolls back: the consumer commits, with its inbox row.
    assert plans_of(session_factory, envelope.data.case_id) == []
    assert copy_of(session_factory, envelope.data.case_id) is None


def test_a_case_created_from_before_snapshots_is_version_1_with_the_default_consents(
    deliver, session_factory, case_story
):
    story = case_story()
    s = story.snapshot
    deliver(
        Envelope(
            source="intake",
            data=CaseCreatedV1(
                case_id=story.case_id,
                reference=s.reference,
                status=s.status,
                clinic_org_id=s.clinic_org_id,
                employer_org_id=s.employer_org_id,
                insurer_org_id=s.insurer_org_id,
                therapist_id=s.therapist_id,
            ),
        )
    )
    case = copy_of(session_factory, story.case_id)
    assert (case.case_version, case.status, consents(case)) == (1, "referred", (True, True))
    assert [p.status for p in plans_of(session_factory, story.case_id)] == ["draft"]


def test_each_consent_change_is_kept_withdrawn_and_granted_again(deliver, session_factory, case_story):
    story = case_story()
    deliver(story.created())
    deliver(story.consent("share_status_with_insurer", False))
    assert consents(copy_of(session_factory, story.case_id)) == (True, False)
    deliver(story.consent("share_restrictions_with_employer", False))
    deliver(story.consent("share_status_with_insurer", True))
    case = copy_of(session_factory, story.case_id)
    assert (case.case_version, consents(case)) == (4, (False, True))


def test_an_older_snapshot_arriving_after_a_newer_one_changes_nothing(deliver, session_factory, case_story):
    story = case_story()
    created = story.created()
    assessing = story.status("assessing")  # version 2
    withdrawn = story.consent("share_status_with_insurer", False)  # version 3
    deliver(created)
    deliver(withdrawn)
    deliver(assessing)  # late: a redelivery or a replayed dead letter
    deliver(created)
    case = copy_of(session_factory, story.case_id)
    assert (case.case_version, case.status, consents(case)) == (3, "assessing", (True, False))
    assert [p.version for p in plans_of(session_factory, story.case_id)] == [1]


def test_whichever_snapshot_arrives_first_creates_the_copy_and_opens_the_draft(deliver, session_factory, case_story):
    story = case_story()
    created = story.created()
    shared = story.shared_with_employer()
    consent = story.consent("share_restrictions_with_employer", False)
    deliver(consent)
    case = copy_of(session_factory, story.case_id)
    assert (case.case_version, case.reference, consents(case)) == (2, "RTW-2026-000123", (False, True))
    assert [p.status for p in plans_of(session_factory, story.case_id)] == ["draft"]
    deliver(shared)
    deliver(created)
    assert copy_of(session_factory, story.case_id).case_version == 2
    assert [p.version for p in plans_of(session_factory, story.case_id)] == [1]


def test_a_withdrawn_case_cancels_its_draft_and_announces_it_once(deliver, session_factory, case_story):
    story = case_story()
    deliver(story.created())
    withdrawn = story.status("withdrawn")
    deliver(withdrawn)
    [plan] = plans_of(session_factory, story.case_id)
    assert (plan.status, plan.revision) == ("cancelled", 2)
    assert cancellations(session_factory) == [
        {"case_id": str(story.case_id), "plan_id": str(plan.id), "version": 1, "reason": "case withdrawn"}
    ]
    deliver(Envelope(source="intake", data=withdrawn.data))  # the same change re-sent under a new id
    deliver(story.consent("share_status_with_insurer", False))  # a later event of the ended case
    assert [p.status for p in plans_of(session_factory, story.case_id)] == ["cancelled"]
    assert len(cancellations(session_factory)) == 1


def test_a_closed_case_cancels_its_published_plan_and_leaves_ended_ones(deliver, session_factory, case_story):
    story = case_story()
    deliver(story.created())
    with session_factory() as session:
        [first] = session.scalars(select(Plan).where(Plan.case_id == story.case_id)).all()
        first.status = "published"
        session.add(Plan(case_id=story.case_id, version=2, status="completed", content=EMPTY_CONTENT))
        session.add(Plan(case_id=story.case_id, version=3, status="draft", content=EMPTY_CONTENT))
        session.commit()
    for status in ("plan_active", "modified_duty", "full_duty", "closed"):
        deliver(story.status(status))
    assert [(p.version, p.status) for p in plans_of(session_factory, story.case_id)] == [
        (1, "cancelled"),
        (2, "completed"),
        (3, "cancelled"),
    ]
    assert [(e["version"], e["reason"]) for e in cancellations(session_factory)] == [
        (1, "case closed"),
        (3, "case closed"),
    ]


def test_a_case_first_heard_of_as_withdrawn_ends_with_its_draft_cancelled(deliver, session_factory, case_story):
    # The same end state as when case.created came first: a draft, then cancelled.
    story = case_story()
    created = story.created()
    deliver(story.status("withdrawn"))
    deliver(created)
    assert [p.status for p in plans_of(session_factory, story.case_id)] == ["cancelled"]
    assert [e["reason"] for e in cancellations(session_factory)] == ["case withdrawn"]
    assert copy_of(session_factory, story.case_id).status == "withdrawn"


def test_a_run_of_case_events_applied_together_leaves_what_one_by_one_would(
    session_factory, case_story, workplan_settings
):
    # The worker's consumer hands a polled run of case events to the batch handler in one call.
    from rtw_shared.events.catalogue import Job

    x, y = case_story(), case_story(reference="RTW-2026-000124")
    y_created = y.created()
    job = Job(hours_per_day=8, days_per_week=5, dot_strength_level="medium")
    x_created = Envelope(source="intake", data=x.created().data.model_copy(update={"job": job}))
    run = [
        x_created,
        y_created,
        x.status("assessing"),
        y.consent("share_status_with_insurer", False),
        x.status("withdrawn"),
        x_created,  # late and older: changes nothing
        Envelope(source="intake", data=y_created.data),  # y re-sent under a new id: no second plan
    ]
    handle_run = worker.spec(workplan_settings).handlers.handler_for(x_created.type)
    with UnitOfWork(session_factory, source="workplan", topic_prefix=workplan_settings.topic_prefix) as uow:
        handle_run(uow, run)
        uow.commit()
    x_copy, y_copy = copy_of(session_factory, x.case_id), copy_of(session_factory, y.case_id)
    assert (x_copy.case_version, x_copy.status) == (3, "withdrawn")
    assert x_copy.job == job.model_dump(mode="json") and y_copy.job is None
    assert (y_copy.case_version, y_copy.status, consents(y_copy)) == (2, "referred", (True, False))
    assert [p.status for p in plans_of(session_factory, x.case_id)] == ["cancelled"]
    assert [(p.version, p.status) for p in plans_of(session_factory, y.case_id)] == [(1, "draft")]
    assert [(e["case_id"], e["reason"]) for e in cancellations(session_factory)] == [(str(x.case_id), "case withdrawn")]
