"""The progress report, one page to print or save as PDF (the browser's own "Save as PDF": a print stylesheet,
no PDF library) for the insurer or the physician: dosage, capacity against the job's demands, GAS and COPM,
each activity's recommendation and decision, the projected return date and cost. Session notes are clinical
detail: left out unless the therapist ticks "include notes". Through workplan's own use cases; the worker's
name from intake's API."""

from __future__ import annotations

import uuid

from fastapi import Request, Response

from rtw_shared.web import UowDep

from ...dependencies import FeesDep
from ...sessions import service as sessions
from ..api import ApisDep, lenient
from ..charts import capacity_chart, gas_chart, share
from ..pages import WORKSPACE, TherapistSession, page_router
from ..treatment import progress_of, review_rows, reviews_of, visible_plan
from ..wording import demand_name

router = page_router()
MOST_SESSIONS = 200


@router.get("/plans/{plan_id}/report", name="clinic_report")
def report(
    request: Request,
    plan_id: uuid.UUID,
    uow: UowDep,
    signed: TherapistSession,
    apis: ApisDep,
    fees: FeesDep,
    notes: bool = False,
) -> Response:
    """The report as of today; `?notes=true` adds the sessions' notes."""
    plan = visible_plan(uow, signed.principal, plan_id)
    shown = progress_of(uow, signed.principal, plan, fees)
    names = {d: demand_name(d) for d in {line.demand for line in shown.capacity}}
    noted = []
    if notes:
        rows, _ = sessions.list_sessions(
            uow=uow, principal=signed.principal, plan_id=plan_id, cursor=None, limit=MOST_SESSIONS
        )
        noted = sorted((r for r in rows if r.content.get("note")), key=lambda r: r.session_date)
    [case] = apis.together(lenient(lambda: apis.intake.get(f"/v1/cases/{plan.case_id}")))
    return WORKSPACE.render(
        request,
        "report.html",
        active="caseload",
        plan=plan,
        case=case.body if case.ok else None,
        progress=shown,
        capacity=capacity_chart(shown, names),
        gas=gas_chart(shown),
        share=share,
        reviews=review_rows(plan, reviews_of(uow, plan)),
        notes=notes,
        noted=noted,
    )
