"""Progress and reviews: capacity per activity against the job's demand line, the projected readiness date with
its uncertainty and today marked, adherence and dosage, the GAS T-score and COPM over the reviews — charts
drawn on the server (workspace.charts) with their numbers as tables — and the review form (each goal's
attainment by its name, the COPM re-rated). Through workplan's own use cases (the API's `…/progress` and
`…/reviews`)."""

from __future__ import annotations

import uuid
from typing import Any

from fastapi import Request, Response
from fastapi.responses import RedirectResponse
from pydantic import ValidationError

from rtw_shared.errors import ConflictError, UnprocessableError
from rtw_shared.uow import UnitOfWork
from rtw_shared.web import UowDep

from ...dependencies import FeesDep
from ...plans import service as plans
from ...plans.models import Plan
from ...plans.schemas import PlanContent
from ...progress import service as progress
from ...progress.schemas import ReviewIn
from ...rules.projections import FeeSchedule
from ..charts import capacity_chart, gas_chart, share
from ..forms import FormError, first
from ..pages import WORKSPACE, FormDep, Posted, SignedIn, TherapistSession, check_form_token, page_router
from ..treatment import progress_of, review_rows, reviews_of, visible_plan
from ..wording import demand_name

router = page_router()
COPM_ROWS = 3
ATTAINMENT = (
    (-2, "\N{MINUS SIGN}2 much less than expected"),
    (-1, "\N{MINUS SIGN}1 less than expected"),
    (0, "0 as expected"),
    (1, "+1 more than expected"),
    (2, "+2 much more than expected"),
)


@router.get("/plans/{plan_id}/progress", name="clinic_progress")
def progress_page(
    request: Request, plan_id: uuid.UUID, uow: UowDep, signed: TherapistSession, fees: FeesDep, saved: str | None = None
) -> Response:
    """The plan's progress as of today, and the review form."""
    plan = visible_plan(uow, signed.principal, plan_id)
    return _page(request, uow, signed, plan, fees, done="Review saved." if saved else None)


@router.post("/plans/{plan_id}/reviews", name="clinic_record_review")
def record_review(
    request: Request, plan_id: uuid.UUID, uow: UowDep, signed: TherapistSession, fees: FeesDep, form: FormDep
) -> Response:
    """Record a review of the plan in force: GAS attainment per goal, COPM re-rated."""
    check_form_token(signed, form)
    plan = visible_plan(uow, signed.principal, plan_id)
    try:
        data = _review_in(form)
        in_force = plans.plan_in_force(uow=uow, principal=signed.principal, plan_id=plan_id, action="reviewed")
        progress.record_review(uow=uow, principal=signed.principal, plan=in_force, data=data, defaults=fees)
    except (FormError, UnprocessableError, ConflictError) as refused:
        problems = refused.problems if isinstance(refused, FormError) else [refused.detail]
        return _page(request, uow, signed, plan, fees, form=form, problems=problems, status=422)
    return RedirectResponse(f"{WORKSPACE.config.mount}/plans/{plan_id}/progress?saved=1#reviews", status_code=303)


def _review_in(form: Posted) -> ReviewIn:
    body: dict[str, Any] = {"date": first(form, "date"), "gas": [], "copm": []}
    problems = []
    for name, values in form.items():
        if name.startswith("gas_") and values and values[0].strip():
            level = values[0].strip()
            if level.lstrip("-+") not in ("0", "1", "2"):
                problems.append(f"GAS: “{level}” is not an attainment level (from -2 to +2)")
                continue
            body["gas"].append({"goal_id": name.removeprefix("gas_"), "attainment": int(level)})
    for index in range(COPM_ROWS):
        problem = first(form, f"copm{index}_problem")
        ratings = {k: first(form, f"copm{index}_{k}") for k in ("importance", "performance", "satisfaction")}
        if not problem and not any(ratings.values()):
            continue
        if not problem or not all(v.isdigit() for v in ratings.values()):
            problems.append(
                f"COPM problem {index + 1}: name it and rate importance, performance and satisfaction from 1 to 10"
            )
            continue
        body["copm"].append({"problem": problem, **{k: int(v) for k, v in ratings.items()}})
    if not body["gas"] and not body["copm"]:
        problems.append("Score at least one goal or rate the COPM")
    if problems:
        raise FormError(problems)
    try:
        return ReviewIn.model_validate(body)
    except ValidationError as invalid:
        raise FormError([str(e["msg"]).removeprefix("Value error, ") for e in invalid.errors()]) from invalid


def _copm_rows(plan: Plan, form: Posted | None, reviews: list[dict[str, Any]]) -> list[dict[str, str]]:
    """The COPM rows: as sent; else the problems last rated (the latest review's, else the assessment's),
    each with its importance, ready to be re-rated."""
    if form is not None:
        keys = ("problem", "importance", "performance", "satisfaction")
        return [{k: first(form, f"copm{i}_{k}") for k in keys} for i in range(COPM_ROWS)]
    rated = next((r["copm"] for r in reversed(reviews) if r["copm"]), None) or (plan.baseline or {}).get("copm") or []
    rows = [{"problem": str(i.get("problem", "")), "importance": str(i.get("importance", ""))} for i in rated]
    return (rows + [{} for _ in range(COPM_ROWS)])[:COPM_ROWS]


def _page(
    request: Request,
    uow: UnitOfWork,
    signed: SignedIn,
    plan: Plan,
    fees: FeeSchedule,
    *,
    form: Posted | None = None,
    problems: list[str] | None = None,
    done: str | None = None,
    status: int = 200,
) -> Response:
    shown = progress_of(uow, signed.principal, plan, fees)
    names = {d: demand_name(d) for d in {line.demand for line in shown.capacity}}
    content = PlanContent.model_validate(plan.content)
    reviews = reviews_of(uow, plan)
    return WORKSPACE.render(
        request,
        "progress.html",
        status,
        active="caseload",
        plan=plan,
        progress=shown,
        capacity=capacity_chart(shown, names),
        gas=gas_chart(shown),
        share=share,
        goals=[(str(g.id), g.description or demand_name(g.demand)) for g in content.goals],
        reviews=review_rows(plan, reviews),
        attainment=ATTAINMENT,
        copm_rows=_copm_rows(plan, form, reviews),
        sent=form or {},
        in_force=plan.status == "published",
        problems=problems or [],
        done=done,
    )
