"""HTTP endpoints for plans: thin — parse, authorize via policy, call the service, shape the view."""

from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import APIRouter, Body, Query, Response, status

from rtw_shared.auth import CurrentPrincipal, Principal, Therapist
from rtw_shared.concurrency import IfMatch, set_etag
from rtw_shared.errors import ForbiddenError
from rtw_shared.web import UowDep

from . import examples, service
from .schemas import (
    CancelIn,
    EndIn,
    PlanContent,
    PlanList,
    PlanReadModel,
    PlanTherapistView,
    PlanView,
    document,
    view_model,
)

router = APIRouter(prefix="/v1/plans", tags=["plans"])


def _reader_view(principal: Principal) -> PlanReadModel:
    view = view_model(principal)
    if view is None:
        raise ForbiddenError("your role does not read plans")
    return view


@router.get("", response_model=PlanList)
def list_plans(
    principal: CurrentPrincipal,
    uow: UowDep,
    case_id: uuid.UUID | None = None,
    cursor: Annotated[str | None, Query(max_length=200)] = None,
    limit: Annotated[int, Query(ge=1, le=200)] = 50,
) -> PlanList:
    """The plans the caller may see (`?case_id=` for one case's versions), in the caller's role's view."""
    view = _reader_view(principal)
    plans, next_cursor = service.list_visible_plans(
        uow=uow, principal=principal, case_id=case_id, cursor=cursor, limit=limit
    )
    return PlanList(items=[view.model_validate(document(p)) for p in plans], next_cursor=next_cursor)


@router.get("/{plan_id}", response_model=PlanView)
def get_plan(plan_id: uuid.UUID, principal: CurrentPrincipal, uow: UowDep, response: Response) -> PlanView:
    """One plan, in the caller's role's view."""
    view = _reader_view(principal)
    plan = service.get_visible_plan(uow=uow, principal=principal, plan_id=plan_id)
    set_etag(response, plan.revision)
    return view.model_validate(document(plan))


@router.put("/{plan_id}", response_model=PlanTherapistView)
def replace_plan(
    plan_id: uuid.UUID,
    body: Annotated[PlanContent, Body(openapi_examples=examples.FILL_PLAN)],
    principal: Therapist,
    uow: UowDep,
    response: Response,
    if_match: IfMatch = None,
) -> PlanTherapistView:
    """Replace a draft's content (goals, phases, schedule, restrictions, accommodations); send the ETag
    you read as If-Match (412 when someone changed the plan since)."""
    plan = service.replace_draft(uow=uow, principal=principal, plan_id=plan_id, content=body, if_match=if_match)
    set_etag(response, plan.revision)
    return PlanTherapistView.model_validate(document(plan))


@router.post("/{plan_id}/revisions", status_code=status.HTTP_201_CREATED, response_model=PlanTherapistView)
def revise_plan(
    plan_id: uuid.UUID, principal: Therapist, uow: UowDep, response: Response, if_match: IfMatch = None
) -> PlanTherapistView:
    """Open a new draft version of the published plan (its content copied); publishing it supersedes this one."""
    draft = service.revise_plan(uow=uow, principal=principal, plan_id=plan_id, if_match=if_match)
    set_etag(response, draft.revision)
    response.headers["Location"] = f"/v1/plans/{draft.id}"
    return PlanTherapistView.model_validate(document(draft))


@router.post("/{plan_id}/complete", response_model=PlanTherapistView)
def complete_plan(
    plan_id: uuid.UUID,
    principal: Therapist,
    uow: UowDep,
    response: Response,
    body: EndIn | None = None,
    if_match: IfMatch = None,
) -> PlanTherapistView:
    """The treatment ended as planned: the published plan becomes completed."""
    plan = service.complete_plan(
        uow=uow, principal=principal, plan_id=plan_id, reason=body.reason if body else None, if_match=if_match
    )
    set_etag(response, plan.revision)
    return PlanTherapistView.model_validate(document(plan))


@router.post("/{plan_id}/cancel", response_model=PlanTherapistView)
def cancel_plan(
    plan_id: uuid.UUID, body: CancelIn, principal: Therapist, uow: UowDep, response: Response, if_match: IfMatch = None
) -> PlanTherapistView:
    """Cancel a draft or the published plan (a reason is required)."""
    plan = service.cancel_plan(uow=uow, principal=principal, plan_id=plan_id, reason=body.reason, if_match=if_match)
    set_etag(response, plan.revision)
    return PlanTherapistView.model_validate(document(plan))
