"""HTTP endpoints for a plan's progress: the computed report (JSON and SVG chart) and reviews."""

from __future__ import annotations

import uuid

from fastapi import APIRouter, Response, status

from rtw_shared.auth import CurrentPrincipal, Therapist
from rtw_shared.web import UowDep

from .. import policy
from ..dependencies import FeesDep
from ..plans import service as plans
from . import chart, service, views
from .schemas import ProgressInsurerView, ProgressTherapistView, ReviewIn, ReviewView

router = APIRouter(prefix="/v1/plans", tags=["progress"])
SVG_HEADERS = {"Content-Security-Policy": "default-src 'none'; style-src 'unsafe-inline'"}


@router.get("/{plan_id}/progress", response_model=ProgressTherapistView | ProgressInsurerView)
def get_progress(plan_id: uuid.UUID, principal: CurrentPrincipal, uow: UowDep, fees: FeesDep):
    """Adherence, dosage, capacity and job match, readiness and return date, GAS, COPM and cost — computed,
    as of today. The insurer gets summary numbers only; employers read no progress (403)."""
    role = policy.reading_role(principal)
    plan = plans.get_visible_plan(uow=uow, principal=principal, plan_id=plan_id)
    report = service.report_for(uow, plan, fees)
    if role == "therapist":
        return views.therapist_view(plan, report, service.decisions_of(uow, plan))
    return views.insurer_view(plan, report)


@router.get(
    "/{plan_id}/progress.svg",
    response_class=Response,
    responses={200: {"content": {"image/svg+xml": {}}, "description": "the progress chart"}},
)
def get_progress_chart(plan_id: uuid.UUID, principal: CurrentPrincipal, uow: UowDep, fees: FeesDep):
    """Capacity per demand over time against the job's demand line, with the GAS T-score per review (SVG)."""
    policy.reading_role(principal)
    plan = plans.get_visible_plan(uow=uow, principal=principal, plan_id=plan_id)
    report = service.report_for(uow, plan, fees)
    svg = chart.render_svg(report, f"Plan version {plan.version}: capacity against the job")
    return Response(content=svg, media_type="image/svg+xml", headers=SVG_HEADERS)


@router.post("/{plan_id}/reviews", status_code=status.HTTP_201_CREATED, response_model=ReviewView)
def record_review(plan_id: uuid.UUID, body: ReviewIn, principal: Therapist, uow: UowDep, fees: FeesDep):
    """Record a review of the plan in force: GAS attainment (-2..+2) of goals, COPM ratings."""
    plan = plans.plan_in_force(uow=uow, principal=principal, plan_id=plan_id, action="reviewed")
    review, _ = service.record_review(uow=uow, principal=principal, plan=plan, data=body, defaults=fees)
    return ReviewView.model_validate(review, from_attributes=True)
