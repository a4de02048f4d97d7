"""Recording an assessment: capacities on the demand scale (one row ready for each job demand, beside what
the job needs), grip (three trials a hand, the mean shown), pain and COPM; and, on the same screen, each job
demand met or not met — by the latest assessment, and live while the form is filled in. Recorded through
intake's `POST /v1/cases/{id}/assessments` as the therapist."""

from __future__ import annotations

import uuid
from typing import Any

from fastapi import Request, Response
from fastapi.responses import RedirectResponse

from ...rules.facts import LOAD_DEMANDS
from ..api import ApiError, Apis, ApisDep
from ..forms import FormError, assessment_body
from ..matching import form_assessment, match_rows
from ..pages import WORKSPACE, FormDep, Posted, SignedIn, TherapistSession, check_form_token, page_router
from ..wording import demand_amount

router = page_router()
EXTRA_CAPACITY_ROWS, COPM_ROWS = 2, 3


@router.get("/cases/{case_id}/assessment", name="clinic_assessment")
def assessment_page(
    request: Request, case_id: uuid.UUID, signed: TherapistSession, apis: ApisDep, done: str | None = None
) -> Response:
    """The assessment form, ready for each job demand, and where the latest assessment leaves the worker."""
    return _page(request, signed, apis, case_id, done=done is not None)


@router.post("/cases/{case_id}/assessment", name="clinic_record_assessment")
def record(request: Request, case_id: uuid.UUID, signed: TherapistSession, apis: ApisDep, form: FormDep) -> Response:
    """Record the assessment as intake's API takes it; a refusal shows the form again as sent."""
    check_form_token(signed, form)
    try:
        apis.intake.post(f"/v1/cases/{case_id}/assessments", assessment_body(form))
    except FormError as invalid:
        return _page(request, signed, apis, case_id, form=form, problems=invalid.problems, status=422)
    except ApiError as refused:
        if refused.status not in (409, 422):
            raise
        return _page(request, signed, apis, case_id, form=form, problems=refused.sentences(), status=refused.status)
    return RedirectResponse(f"{WORKSPACE.config.mount}/cases/{case_id}/assessment?done=1#match", status_code=303)


@router.post("/cases/{case_id}/assessment/match", name="clinic_assessment_match")
def live_match(
    request: Request, case_id: uuid.UUID, signed: TherapistSession, apis: ApisDep, form: FormDep
) -> Response:
    """The met / not met table for the form as it stands (the page's live region; nothing is recorded)."""
    check_form_token(signed, form)
    case = apis.intake.get(f"/v1/cases/{case_id}").body
    try:
        typed = form_assessment(assessment_body(form))
    except FormError:
        typed = form_assessment(_numbers_only(form))
    rows = match_rows(case["employment"], typed)
    return WORKSPACE.render(request, "_match.html", rows=rows, caption="As entered on this form")


def _numbers_only(form: Posted) -> dict[str, Any]:
    """What can be read of a form still being typed (a half-typed number is left out)."""
    cleaned = {name: [v if _is_number(v) else "" for v in values] for name, values in form.items()}
    cleaned |= {name: form[name] for name in ("cap_demand", "cap_frequency", "cap_unit", "date") if name in form}
    try:
        return assessment_body(cleaned)
    except FormError:
        return {}


def _is_number(value: str) -> bool:
    try:
        float(value.replace(",", "."))
    except ValueError:
        return False
    return True


def _page(
    request: Request,
    signed: SignedIn,
    apis: Apis,
    case_id: uuid.UUID,
    *,
    form: Posted | None = None,
    problems: list[str] | None = None,
    status: int = 200,
    done: bool = False,
) -> Response:
    case, assessments = apis.together(
        lambda: apis.intake.get(f"/v1/cases/{case_id}"), lambda: apis.intake.get(f"/v1/cases/{case_id}/assessments")
    )
    latest = assessments.body["items"][-1] if assessments.body["items"] else None
    today = request.app.state.clock().date()
    return WORKSPACE.render(
        request,
        "assessment.html",
        status,
        active="caseload",
        case=case.body,
        latest=latest,
        rows=match_rows(case.body["employment"], latest),
        job_needs=_job_needs(case.body),
        form=form or _prefilled(case.body, today.isoformat()),
        problems=problems or [],
        done=done,
    )


def _job_needs(case: dict[str, Any]) -> dict[str, str]:
    """What the job needs of each (demand, frequency) it names, in words, to show beside a capacity row."""
    found: dict[str, str] = {}
    for function in case["employment"].get("essential_functions", []):
        for d in function.get("demands", []):
            amount = demand_amount(d)
            key = f"{d['demand']}|{d.get('frequency') or ''}"
            found[key] = f"{found[key]}; " if key in found else ""
            found[key] += f"{function.get('name', '')}: {amount or d.get('frequency') or 'needed'}"
    return found


def _prefilled(case: dict[str, Any], today: str) -> Posted:
    """A row for each job demand (its demand and frequency, the amount to measure), then a few empty rows."""
    demands = [
        d
        for function in case["employment"].get("essential_functions", [])
        for d in function.get("demands", [])
        if d.get("frequency") != "never"
    ]
    empty = [""] * EXTRA_CAPACITY_ROWS
    return {
        "date": [today],
        "cap_demand": [d["demand"] for d in demands] + empty,
        "cap_frequency": [d.get("frequency") or "" for d in demands] + empty,
        "cap_amount": [""] * (len(demands) + EXTRA_CAPACITY_ROWS),
        "cap_unit": ["kg" if d["demand"] in LOAD_DEMANDS else "min" for d in demands] + ["kg"] * EXTRA_CAPACITY_ROWS,
        "copm_problem": [""] * COPM_ROWS,
    }
