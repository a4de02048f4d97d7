"""HTTP endpoints for plans: thin — parse, authorize via policy, call the service, shape the view. Reading,
editing and revising one plan answer its projections (a draft's computed from its progress report), so
they are publication/router.py's."""

from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import APIRouter, Query, Response

from rtw_shared.auth import CurrentPrincipal, Therapist
from rtw_shared.concurrency import IfMatch, set_etag
from rtw_shared.web import UowDep

from . import service
from .schemas import CancelIn, EndIn
from .views import PlanList, PlanTherapistView, document, reader_model

router = APIRouter(prefix="/v1/plans", tags=["plans"])


@router.get("", response_model=PlanList)
def list_plans(
    principal: CurrentPrincipal,
    uow: UowDep,
    case_id: uuid.UUID | None = None,
    cursor: Annotated[str | None, Query(max_length=200)] = None,
    limit: Annotated[int, Query(ge=1, le=200)] = 50,
) -> PlanList:
    """The plans the caller may see (`?case_id=` for one case's versions), in the caller's role's view."""
    view = reader_model(principal)
    plans, next_cursor = service.list_visible_plans(
        uow=uow, principal=principal, case_id=case_id, cursor=cursor, limit=limit
    )
    return PlanList(items=[view.model_validate(document(p)) for p in plans], next_cursor=next_cursor)


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
