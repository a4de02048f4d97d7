"""Plan use cases: read, edit a draft, revise, complete, cancel; the first draft of a new case and the
cancellation of an ended case's plans. Each takes a Unit of Work and commits it at most once.
Publishing a draft is publication/'s (it computes the plan's progress report, which builds on plans)."""

from __future__ import annotations

import uuid

from rtw_shared.auth import Principal
from rtw_shared.concurrency import check_if_match
from rtw_shared.errors import ConflictError
from rtw_shared.events import PlanCancelledV1, PlanCompletedV1, PlanRevisedV1
from rtw_shared.pagination import decode_cursor, page
from rtw_shared.uow import UnitOfWork

from .. import policy
from ..cases.models import CaseCopy
from . import identity, repository, seeding, versions
from .models import Plan
from .schemas import PlanContent


def get_visible_plan(*, uow: UnitOfWork, principal: Principal, plan_id: uuid.UUID) -> Plan:
    """The plan if the caller may see its case's progress; 404 otherwise (existence not revealed)."""
    return policy.readable(principal, repository.get(uow.session, plan_id), plan_id)


def plan_in_force(
    *, uow: UnitOfWork, principal: Principal, plan_id: uuid.UUID, action: str, for_update: bool = False
) -> Plan:
    """The caller's clinic's plan, which must be the published version in force (409 saying why not)."""
    plan = policy.editable(principal, repository.get(uow.session, plan_id, for_update=for_update), plan_id)
    if plan.status != "published":
        hint = " (publish it first)" if plan.status == "draft" else ""
        raise ConflictError(
            f"plan {plan_id} version {plan.version} is {_why(plan)}; only the plan in force can be {action}{hint}"
        )
    return plan


def list_visible_plans(
    *, uow: UnitOfWork, principal: Principal, case_id: uuid.UUID | None, cursor: str | None, limit: int
) -> tuple[list[Plan], str | None]:
    """One page of the plans the caller may see, and the cursor of the next page."""
    plans = repository.list_visible(
        uow.session,
        principal=principal,
        part=policy.PLAN_PART,
        case_id=case_id,
        after=decode_cursor(cursor),
        limit=limit + 1,
    )
    plans, next_cursor = page(plans, limit, key=lambda plan: (plan.created_at, plan.id))
    # The SQL filter states the same rule; asking the shared decision per row also notes each
    # returned case in the audit row.
    return [plan for plan in plans if policy.visible(principal, plan.case)], next_cursor


def open_plans_of_cases(
    *, uow: UnitOfWork, principal: Principal, case_ids: list[uuid.UUID]
) -> dict[uuid.UUID, list[Plan]]:
    """Each of these cases' draft and published versions the caller may see, in version order (a caseload)."""
    found: dict[uuid.UUID, list[Plan]] = {}
    plans = repository.open_visible_for_cases(
        uow.session, principal=principal, part=policy.PLAN_PART, case_ids=case_ids
    )
    for plan in plans:
        if policy.visible(principal, plan.case):  # the shared decision per row; it notes the case for the audit
            found.setdefault(plan.case_id, []).append(plan)
    return found


def replace_draft(
    *, uow: UnitOfWork, principal: Principal, plan_id: uuid.UUID, content: PlanContent, if_match: str | None
) -> Plan:
    """Replace a draft's whole content (412 when If-Match is stale, 409 once it is no draft)."""
    plan = editable_draft(uow=uow, principal=principal, plan_id=plan_id, if_match=if_match, action="edited")
    stored = identity.identified(plan.content, content.stored())
    if plan.previous_plan_id is not None:  # read before the change: one UPDATE, the ETag moves by one
        previous = repository.get(uow.session, plan.previous_plan_id)
        plan.changes = versions.changed_parts(previous.content if previous else {}, stored)
    plan.content = stored
    uow.session.flush()  # bumps the revision; updated_at for the answer
    uow.session.refresh(plan, ["updated_at"])
    uow.commit()
    return plan


def revise_plan(*, uow: UnitOfWork, principal: Principal, plan_id: uuid.UUID, if_match: str | None) -> Plan:
    """Open a new draft version of the plan in force, with its content (409 when a draft exists already)."""
    plan = plan_in_force(uow=uow, principal=principal, plan_id=plan_id, action="revised", for_update=True)
    check_if_match(if_match, plan.revision, what=f"plan {plan_id}")
    draft = repository.open_draft_for_case(uow.session, plan.case_id)
    if draft is not None:
        raise ConflictError(f"version {draft.version} of this plan is already a draft ({draft.id}): edit that one")
    latest = repository.latest_for_case(uow.session, plan.case_id)
    revision = Plan(
        case=plan.case,
        version=(latest.version if latest else plan.version) + 1,
        status="draft",
        content=dict(plan.content),
        previous_plan_id=plan.id,
        baseline=plan.baseline,
        seed=plan.seed,
    )
    seeding.follow_case(revision, plan.case)  # restrictions the case changed since, where the plan followed it
    revision.changes = versions.changed_parts(plan.content, revision.content)
    repository.add(uow.session, revision)
    uow.emit(
        PlanRevisedV1(
            case_id=plan.case_id,
            plan_id=revision.id,
            version=revision.version,
            previous_plan_id=plan.id,
            previous_version=plan.version,
        )
    )
    uow.commit()
    return revision


def complete_plan(
    *, uow: UnitOfWork, principal: Principal, plan_id: uuid.UUID, reason: str | None, if_match: str | None
) -> Plan:
    """The treatment ended as planned: the plan in force becomes completed (its remaining weeks stay unannounced)."""
    plan = plan_in_force(uow=uow, principal=principal, plan_id=plan_id, action="completed", for_update=True)
    check_if_match(if_match, plan.revision, what=f"plan {plan_id}")
    ended = uow.now()
    plan.status, plan.ended_at, plan.end_reason = "completed", ended, reason
    repository.cancel_week_timers(uow.session, plan.id)
    uow.session.flush()
    uow.emit(PlanCompletedV1(case_id=plan.case_id, plan_id=plan.id, version=plan.version, completed_at=ended))
    uow.commit()
    return plan


def cancel_plan(
    *, uow: UnitOfWork, principal: Principal, plan_id: uuid.UUID, reason: str, if_match: str | None
) -> Plan:
    """The therapist cancels a draft or the plan in force, saying why."""
    plan = policy.editable(principal, repository.get(uow.session, plan_id, for_update=True), plan_id)
    check_if_match(if_match, plan.revision, what=f"plan {plan_id}")
    if plan.status not in ("draft", "published"):
        raise ConflictError(f"plan {plan_id} version {plan.version} is {_why(plan)}; it cannot be cancelled")
    _cancel(uow, plan, reason)
    uow.session.flush()
    uow.commit()
    return plan


def _cancel(uow: UnitOfWork, plan: Plan, reason: str) -> None:
    plan.status, plan.ended_at, plan.end_reason = "cancelled", uow.now(), reason
    repository.cancel_week_timers(uow.session, plan.id)
    uow.emit(PlanCancelledV1(case_id=plan.case_id, plan_id=plan.id, version=plan.version, reason=reason))


def open_first_drafts(*, uow: UnitOfWork, cases: list[CaseCopy]) -> list[Plan]:
    """A draft plan version 1 for each of `cases` that has no plan yet (docs/domain/plans.md: a draft
    exists for every case)."""
    # Not only on `case.created`: whichever snapshot of the case arrives first opens it, and a
    # re-sent event finds the plan and opens no second one.
    with_plans = repository.cases_with_plans(uow.session, [case.case_id for case in cases])
    opened = []
    for case in cases:
        if case.case_id in with_plans:
            continue
        content, seed = seeding.first_content(case)
        opened.append(Plan(case=case, version=1, status="draft", content=content, seed=seed, baseline=case.assessment))
    uow.session.add_all(opened)
    return opened


def follow_cases(*, uow: UnitOfWork, cases: list[CaseCopy], skip: set[uuid.UUID]) -> list[Plan]:
    """Bring each case's open draft in line with the case where the therapist has not edited it
    (plans/seeding.py); `skip`: cases whose draft was just opened from them. The caller commits."""
    wanted = [case for case in cases if case.case_id not in skip and not case.ended]
    drafts = repository.open_drafts_for_cases(uow.session, [case.case_id for case in wanted])
    by_case = {case.case_id: case for case in wanted}
    followed = [draft for draft in drafts if seeding.follow_case(draft, by_case[draft.case_id])]
    uow.session.flush()
    return followed


def cancel_open_plans(*, uow: UnitOfWork, case: CaseCopy) -> list[Plan]:
    """Cancel the case's draft and published versions (its case ended), announcing each. The caller commits."""
    cancelled = repository.open_for_case(uow.session, case.case_id)
    for plan in cancelled:
        _cancel(uow, plan, f"case {case.status}")
    uow.session.flush()
    return cancelled


def editable_draft(
    *, uow: UnitOfWork, principal: Principal, plan_id: uuid.UUID, if_match: str | None, action: str
) -> Plan:
    """The caller's clinic's draft, locked for the change; 404 if not theirs, 412 if the caller's copy is
    stale, 409 if not a draft (cancelled when its case ended, or already published)."""
    plan = policy.editable(principal, repository.get(uow.session, plan_id, for_update=True), plan_id)
    # Under the row lock: nobody can change the plan between this check and our write.
    check_if_match(if_match, plan.revision, what=f"plan {plan_id}")
    if plan.status != "draft":
        raise ConflictError(f"plan {plan_id} version {plan.version} is {_why(plan)}; only a draft can be {action}")
    return plan


def _why(plan: Plan) -> str:
    # A plan cancelled because its case ended says so: the therapist may not know the case did.
    if plan.status == "cancelled" and plan.case.ended:
        return f"cancelled (the case is {plan.case.status})"
    return plan.status
