"""A plan, read-only: one version as the therapist's read model shows it — projections, goals with their GAS
rows, phases and their activities, the graduated schedule with its dates (a table and a chart),
restrictions, the accommodations asked with their Job Accommodation Network category explained, the
warnings acknowledged at publication — and the case's other versions. Read through workplan's own use cases
(the same as `GET /v1/plans/{id}`); the worker's name from intake's API. Notify's emails link here
(`/clinic/plans/{plan_id}`)."""

from __future__ import annotations

import uuid

from fastapi import Request, Response

from rtw_shared.web import UowDep

from ...dependencies import FeesDep
from ...plans import service as plans
from ...plans.views import PlanTherapistView, document
from ...publication.service import draft_projections
from ..api import ApisDep, lenient
from ..pages import WORKSPACE, TherapistSession, page_router
from ..wording import schedule_bars

router = page_router()


@router.get("/plans/{plan_id}", name="clinic_plan")
def plan_page(
    request: Request, plan_id: uuid.UUID, uow: UowDep, signed: TherapistSession, apis: ApisDep, fees: FeesDep
) -> Response:
    """One plan version (404 for a plan outside the therapist's clinic, as the API)."""
    plan = plans.get_visible_plan(uow=uow, principal=signed.principal, plan_id=plan_id)
    view = PlanTherapistView.model_validate(document(plan, draft_projections(uow, plan, fees)))
    versions, _ = plans.list_visible_plans(
        uow=uow, principal=signed.principal, case_id=plan.case_id, cursor=None, limit=50
    )
    [case] = apis.together(lenient(lambda: apis.intake.get(f"/v1/cases/{plan.case_id}")))
    return WORKSPACE.render(
        request,
        "plan.html",
        active="caseload",
        plan=view,
        reference=plan.case.reference,
        case=case.body if case.ok else None,
        versions=[(p.id, p.version, p.status) for p in sorted(versions, key=lambda p: p.version)],
        bars=schedule_bars([week.model_dump() for week in view.schedule]),
    )
