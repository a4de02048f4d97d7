"""HTTP endpoints for a plan's progress: the computed report (JSON and SVG chart) and reviews."""

from __future__ import annotations

import uuid

from fastapi import APIRouter, Response, status

from rtw_shared.auth import CurrentPrincipal, Principal, Therapist
from rtw_shared.role_view import Field, role_view
from rtw_shared.uow import UnitOfWork
from rtw_shared.web import UowDep

from .. import policy
from ..dependencies import FeesDep
from ..plans import service as plans
from ..rules.projections import FeeSchedule
from . import chart, service, views
from .schemas import ProgressInsurerView, ProgressTherapistView, ReviewIn, ReviewView

router = APIRouter(prefix="/v1/plans", tags=["progress"])
SVG_HEADERS = {"Content-Security-Policy": "default-src 'none'; style-src 'unsafe-inline'"}


@router.get("/{plan_id}/progress", response_model=ProgressTherapistView | ProgressInsurerView)
def get_progress(
    plan_id: uuid.UUID, principal: CurrentPrincipal, uow: UowDep, fees: FeesDep
) -> ProgressTherapistView | ProgressInsurerView:
    """Adherence, dosage, capacity and job match, readiness and return date, GAS, COPM and cost — computed,
    as of today. The insurer gets summary numbers only; employers read no progress (403)."""
    return _progress(plan_id, principal, uow, fees)


@router.get(
    "/{plan_id}/progress.svg",
    response_class=Response,
    responses={200: {"content": {"image/svg+xml": {}}, "description": "the progress chart"}},
)
def get_progress_chart(plan_id: uuid.UUID, principal: CurrentPrincipal, uow: UowDep, fees: FeesDep) -> Response:
    """Capacity per demand against the job's demand line, with the GAS T-score per review (SVG): drawn from
    the same view of the report as the JSON (the insurer's: where each demand stands now, no measurements)."""
    shown = _progress(plan_id, principal, uow, fees)
    svg = chart.render_svg(shown, f"Plan version {shown.version}: capacity against the job")
    return Response(content=svg, media_type="image/svg+xml", headers=SVG_HEADERS)


def _progress(plan_id: uuid.UUID, principal: Principal, uow: UnitOfWork, fees: FeeSchedule) -> views.ProgressView:
    """The plan's report as the caller's role view shows it (403 for roles that read no progress, 404 for
    a plan the caller may not see)."""
    policy.reading_role(principal)
    plan = plans.get_visible_plan(uow=uow, principal=principal, plan_id=plan_id)
    report = service.report_for(uow, plan, fees)
    view = role_view(principal, plan.case)
    decisions = service.decisions_of(uow, plan) if view.shows(Field.RECOMMENDATIONS) else []
    return views.progress(view, plan, report, decisions)


@router.post("/{plan_id}/reviews", status_code=status.HTTP_201_CREATED, response_model=ReviewView)
def record_review(plan_id: uuid.UUID, body: ReviewIn, principal: Therapist, uow: UowDep, fees: FeesDep) -> ReviewView:
    """Record a review of the plan in force: GAS attainment (-2..+2) of goals, COPM ratings."""
    plan = plans.plan_in_force(uow=uow, principal=principal, plan_id=plan_id, action="reviewed")
    review, _ = service.record_review(uow=uow, principal=principal, plan=plan, data=body, defaults=fees)
    return ReviewView.model_validate(review, from_attributes=True)
