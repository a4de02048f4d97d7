"""Plan use cases. Each takes a Unit of Work and commits it at most once."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime

from rtw_shared.auth import Principal
from rtw_shared.errors import ConflictError, NotFoundError, UnprocessableError
from rtw_shared.events import PlanPublishedV1
from rtw_shared.pagination import decode_cursor, page
from rtw_shared.uow import UnitOfWork

from .. import policy
from . import projections, repository
from .models import Plan
from .projections import FeeSchedule
from .schemas import PlanContent


def get_visible_plan(*, uow: UnitOfWork, principal: Principal, plan_id: uuid.UUID) -> Plan:
    """The plan if the caller's organisation may see it; 404 otherwise (existence not revealed)."""
    plan = repository.get(uow.session, plan_id)
    if plan is None or not policy.can_see(principal, plan):
        raise NotFoundError(f"plan {plan_id} not found")
    return plan


def list_visible_plans(*, uow: UnitOfWork, principal: Principal, case_id: uuid.UUID | None, cursor: str | None,
                       limit: int) -> tuple[list[Plan], str | None]:
    """One page of the plans the caller may see, and the cursor of the next page."""
    field = policy.tenant_field(principal)
    if field is None:
        return [], None
    plans = repository.list_for_tenant(uow.session, tenant_field=field, org_id=principal.org_id, case_id=case_id,
                                       after=decode_cursor(cursor), limit=limit + 1)
    return page(plans, limit, key=lambda plan: (plan.created_at, plan.id))


def replace_draft(*, uow: UnitOfWork, principal: Principal, plan_id: uuid.UUID, content: PlanContent) -> Plan:
    """Replace a draft's whole content (409 once it is published, completed or cancelled)."""
    plan = _editable_draft(uow, principal, plan_id, action="edited")
    plan.content = content.model_dump(mode="json")
    uow.session.flush()  # updated_at, for the answer
    uow.session.refresh(plan, ["updated_at"])
    uow.commit()
    return plan


def publish_plan(*, uow: UnitOfWork, principal: Principal, plan_id: uuid.UUID, fees: FeeSchedule) -> Plan:
    """Publish a draft: fix its projections and announce it to the employer and the insurer."""
    plan = _editable_draft(uow, principal, plan_id, action="published")
    content = PlanContent.model_validate(plan.content)
    if not content.schedule:
        raise UnprocessableError("schedule: a plan needs at least one week; add the graduated schedule first")
    published_at = datetime.now(UTC)
    plan.status, plan.published_at = "published", published_at
    plan.projected_rtw_date = projections.projected_rtw_date(published_at.date(), content.schedule)
    plan.projected_cost = projections.projected_cost(content.phases, fees)
    uow.session.flush()
    uow.session.refresh(plan, ["updated_at"])
    uow.emit(PlanPublishedV1(
        case_id=plan.case_id, plan_id=plan.id, version=plan.version, employer_org_id=plan.employer_org_id,
        published_at=published_at, restrictions=plan.content["restrictions"], schedule=plan.content["schedule"],
        accommodations=plan.content["accommodations"], projected_rtw_date=plan.projected_rtw_date,
        projected_cost=plan.projected_cost,
    ))
    uow.commit()
    return plan


def _editable_draft(uow: UnitOfWork, principal: Principal, plan_id: uuid.UUID, *, action: str) -> Plan:
    """The caller's clinic's draft, locked for the change; 404 if not theirs, 409 if not a draft."""
    plan = repository.get(uow.session, plan_id, for_update=True)
    if plan is None or not policy.can_edit(principal, plan):
        raise NotFoundError(f"plan {plan_id} not found")
    if plan.status != "draft":
        raise ConflictError(f"plan {plan_id} version {plan.version} is {plan.status}; only a draft can be {action}")
    return plan
