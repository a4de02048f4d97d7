"""Plan use cases. Each takes a Unit of Work and commits it at most once."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime

from rtw_shared.auth import Principal
from rtw_shared.concurrency import check_if_match
from rtw_shared.errors import ConflictError, UnprocessableError
from rtw_shared.events import PlanCancelledV1, PlanPublishedV1
from rtw_shared.pagination import decode_cursor, page
from rtw_shared.uow import UnitOfWork

from .. import policy
from ..cases.models import CaseCopy
from . import projections, repository
from .models import EMPTY_CONTENT, Plan
from .projections import FeeSchedule
from .schemas import PlanContent


def get_visible_plan(*, uow: UnitOfWork, principal: Principal, plan_id: uuid.UUID) -> Plan:
    """The plan if the caller may see its case's progress; 404 otherwise (existence not revealed)."""
    return policy.readable(principal, repository.get(uow.session, plan_id), plan_id)


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


def replace_draft(
    *, uow: UnitOfWork, principal: Principal, plan_id: uuid.UUID, content: PlanContent, if_match: str | None
) -> Plan:
    """Replace a draft's whole content (412 when If-Match is stale, 409 once it is no draft)."""
    plan = _editable_draft(uow, principal, plan_id, if_match=if_match, action="edited")
    plan.content = content.model_dump(mode="json")
    uow.session.flush()  # bumps the revision; updated_at for the answer
    uow.session.refresh(plan, ["updated_at"])
    uow.commit()
    return plan


def publish_plan(
    *, uow: UnitOfWork, principal: Principal, plan_id: uuid.UUID, fees: FeeSchedule, if_match: str | None
) -> Plan:
    """Publish a draft: fix its projections and announce it to the employer and the insurer."""
    plan = _editable_draft(uow, principal, plan_id, if_match=if_match, action="published")
    content = PlanContent.model_validate(plan.content)
    if not content.schedule:
        raise UnprocessableError("schedule: a plan needs at least one week; add the graduated schedule first")
    published_at = datetime.now(UTC)
    plan.status, plan.published_at = "published", published_at
    plan.projected_rtw_date = projections.projected_rtw_date(published_at.date(), content.schedule)
    plan.projected_cost = projections.projected_cost(content.phases, fees)
    uow.session.flush()
    uow.session.refresh(plan, ["updated_at"])
    uow.emit(
        PlanPublishedV1(
            case_id=plan.case_id,
            plan_id=plan.id,
            version=plan.version,
            employer_org_id=plan.case.employer_org_id,
            published_at=published_at,
            restrictions=plan.content["restrictions"],
            schedule=plan.content["schedule"],
            accommodations=plan.content["accommodations"],
            projected_rtw_date=plan.projected_rtw_date,
            projected_cost=plan.projected_cost,
        )
    )
    uow.commit()
    return plan


def open_first_draft(*, uow: UnitOfWork, case: CaseCopy) -> Plan | None:
    """The case's draft plan version 1 when it has no plan yet (docs/domain/plans.md: a draft exists for every case)."""
    # Not only on `case.created`: whichever snapshot of the case arrives first opens it, and a
    # re-sent event finds the plan and opens no second one.
    if repository.latest_for_case(uow.session, case.case_id) is not None:
        return None
    plan = Plan(case=case, version=1, status="draft", content={k: list(v) for k, v in EMPTY_CONTENT.items()})
    uow.session.add(plan)
    return plan


def cancel_open_plans(*, uow: UnitOfWork, case: CaseCopy) -> list[Plan]:
    """Cancel the case's draft and published versions (its case ended), announcing each. The caller commits."""
    cancelled = repository.open_for_case(uow.session, case.case_id)
    for plan in cancelled:
        plan.status = "cancelled"
        uow.emit(
            PlanCancelledV1(case_id=case.case_id, plan_id=plan.id, version=plan.version, reason=f"case {case.status}")
        )
    uow.session.flush()
    return cancelled


def _editable_draft(
    uow: UnitOfWork, principal: Principal, plan_id: uuid.UUID, *, if_match: str | None, action: str
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
