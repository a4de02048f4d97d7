"""`case.created` opens the case's draft plan (the handler on the real database)."""

from sqlalchemy import select

from rtw_shared.events import CaseCreatedV1
from rtw_shared.messaging import topics
from rtw_shared.uow import UnitOfWork
from rtw_workplan import worker
from rtw_workplan.cases.handlers import on_case_created
from rtw_workplan.cases.models import CaseCopy
from rtw_workplan.plans.models import EMPTY_CONTENT, Plan


def plans_of(session_factory, case_id) -> list[Plan]:
    with session_factory() as session:
        return list(session.scalars(select(Plan).where(Plan.case_id == case_id)))


def test_a_new_case_gets_a_copy_and_an_empty_draft_plan_version_1(deliver, session_factory, case_created):
    envelope = case_created()
    deliver(envelope)
    [plan] = plans_of(session_factory, envelope.data.case_id)
    assert (plan.version, plan.status, plan.published_at) == (1, "draft", None)
    assert (plan.clinic_org_id, plan.employer_org_id, plan.insurer_org_id, plan.therapist_id) == (
        "clinic-north", "acme", "northwind", "tara-subject")
    assert plan.content == EMPTY_CONTENT
    with session_factory() as session:
        case = session.get(CaseCopy, envelope.data.case_id)
    assert (case.reference, case.clinic_org_id, case.employer_org_id, case.insurer_org_id) == (
        "RTW-2026-000123", "clinic-north", "acme", "northwind")


def test_the_same_case_arriving_again_opens_no_second_plan(deliver, session_factory, case_created):
    # The inbox drops a redelivered event; this covers the same case re-sent under a new event id.
    first = case_created()
    deliver(first)
    deliver(case_created(case_id=first.data.case_id))
    assert [p.version for p in plans_of(session_factory, first.data.case_id)] == [1]


def test_the_handler_leaves_the_commit_to_the_consumer(session_factory, case_created):
    envelope = case_created()
    with UnitOfWork(session_factory, source="workplan") as uow:
        on_case_created(uow, envelope)
    # Leaving without uow.commit() rolls back: the consumer commits, with its inbox row.
    assert plans_of(session_factory, envelope.data.case_id) == []


def test_the_worker_consumes_case_events_with_this_handler():
    spec = worker.spec()
    assert spec.topics == [topics.CASE.name]
    assert spec.handlers == {CaseCreatedV1.TYPE: on_case_created}
    assert spec.consumer_name == "workplan"
