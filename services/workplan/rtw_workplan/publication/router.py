"""POST /v1/plans/{id}/publish: thin — parse, call the service, shape the therapist's view."""

from __future__ import annotations

import uuid

from fastapi import APIRouter, Response

from rtw_shared.auth import Therapist
from rtw_shared.concurrency import IfMatch, set_etag
from rtw_shared.web import UowDep

from ..dependencies import FeesDep
from ..plans.schemas import PlanTherapistView, PublishIn, document
from . import service

router = APIRouter(prefix="/v1/plans", tags=["plans"])


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
    their codes), its dates and projections are fixed, it supersedes the version in force, and the employer
    and insurer are told (If-Match as for PUT)."""
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
