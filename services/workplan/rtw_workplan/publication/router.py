"""HTTP endpoints that answer one plan with its projections — read, edit, revise, publish: thin — parse, call
the service, shape the role's view. A draft's projections (what publishing it today would fix) come from
its progress report, which is why these live above progress (plans/router.py has the list, complete and
cancel)."""

from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import APIRouter, Body, Response, status

from rtw_shared.auth import CurrentPrincipal, Therapist
from rtw_shared.concurrency import IfMatch, set_etag
from rtw_shared.uow import UnitOfWork
from rtw_shared.web import UowDep

from ..dependencies import FeesDep
from ..plans import examples
from ..plans import service as plans
from ..plans.models import Plan
from ..plans.schemas import PlanPut, PublishIn
from ..plans.views import PlanTherapistView, PlanView, document, reader_model
from ..rules.projections import FeeSchedule
from . import service

router = APIRouter(prefix="/v1/plans", tags=["plans"])


def _therapist_view(uow: UnitOfWork, plan: Plan, fees: FeeSchedule) -> PlanTherapistView:
    return PlanTherapistView.model_validate(document(plan, service.draft_projections(uow, plan, fees)))


@router.get("/{plan_id}", response_model=PlanView)
def get_plan(
    plan_id: uuid.UUID, principal: CurrentPrincipal, uow: UowDep, fees: FeesDep, response: Response
) -> PlanView:
    """One plan, in the caller's role's view; a draft with what publishing it today would fix (projections,
    the schedule's dates)."""
    view = reader_model(principal)
    plan = plans.get_visible_plan(uow=uow, principal=principal, plan_id=plan_id)
    set_etag(response, plan.revision)
    return view.model_validate(document(plan, service.draft_projections(uow, plan, fees)))


@router.put("/{plan_id}", response_model=PlanTherapistView)
def replace_plan(
    plan_id: uuid.UUID,
    body: Annotated[PlanPut, Body(openapi_examples=examples.FILL_PLAN)],
    principal: Therapist,
    uow: UowDep,
    fees: FeesDep,
    response: Response,
    if_match: IfMatch = None,
) -> PlanTherapistView:
    """Replace a draft's content (goals, phases, schedule, restrictions, accommodations, dates); send the ETag
    you read as If-Match (412 when someone changed the plan since). The body a GET answered is accepted as
    it is: its read-only fields are ignored."""
    plan = plans.replace_draft(uow=uow, principal=principal, plan_id=plan_id, content=body, if_match=if_match)
    set_etag(response, plan.revision)
    return _therapist_view(uow, plan, fees)


@router.post("/{plan_id}/revisions", status_code=status.HTTP_201_CREATED, response_model=PlanTherapistView)
def revise_plan(
    plan_id: uuid.UUID, principal: Therapist, uow: UowDep, fees: FeesDep, response: Response, if_match: IfMatch = None
) -> PlanTherapistView:
    """Open a new draft version of the published plan (its content copied); publishing it supersedes this one."""
    draft = plans.revise_plan(uow=uow, principal=principal, plan_id=plan_id, if_match=if_match)
    set_etag(response, draft.revision)
    response.headers["Location"] = f"/v1/plans/{draft.id}"
    return _therapist_view(uow, draft, fees)


@router.post("/{plan_id}/publish", response_model=PlanTherapistView)
def publish_plan(
    plan_id: uuid.UUID,
    principal: Therapist,
    uow: UowDep,
    fees: FeesDep,
    response: Response,
    body: PublishIn | None = None,
    if_match: IfMatch = None,
) -> PlanTherapistView:
    """Publish a draft: it is checked (422 listing every problem; clinical warnings must be acknowledged by
    their codes, unless acknowledged on the version revised and unchanged), its dates and projections are
    fixed, it supersedes the version in force, and the employer and insurer are told (If-Match as for PUT)."""
    plan = service.publish_plan(
        uow=uow,
        principal=principal,
        plan_id=plan_id,
        fees=fees,
        acknowledge=body.acknowledge if body else [],
        if_match=if_match,
    )
    set_etag(response, plan.revision)
    return PlanTherapistView.model_validate(document(plan))
