"""Opening a case: the new-case form (worker, claim with the insurer picked from intake's directory,
employment with its essential functions and their physical demands in kg, lb or minutes, referral,
consents with their evidence), the DOT level shown as it is computed, and `POST /v1/cases` as the
therapist. intake's 422 and 409 come back as the form, as it was sent, with what to fix."""

from __future__ import annotations

from typing import Any

from fastapi import Request, Response
from fastapi.responses import HTMLResponse, RedirectResponse

from ..api import ApiError, Apis, ApisDep
from ..forms import FormError, case_body, consent_evidence, consent_flags, function_blocks, strength_level
from ..pages import WORKSPACE, FormDep, Posted, TherapistSession, check_form_token, page_router
from ..wording import strength_name

router = page_router()
FUNCTIONS, DEMAND_ROWS = 2, 4  # the empty form's essential functions and demand rows in each
MORE_ROWS = 2  # "More rows" adds a function and this many demand rows to each


@router.get("/cases/new", name="clinic_new_case")
def new_case(request: Request, signed: TherapistSession, apis: ApisDep) -> Response:
    """The new-case form, empty but for its defaults (both consents given, today's referral)."""
    today = request.app.state.clock().date().isoformat()
    defaults: Posted = {name: ["on"] for name in consent_flags({})} | {"referral_date": [today]}
    return _form(request, apis, defaults, layout=[(block, DEMAND_ROWS) for block in range(FUNCTIONS)])


@router.post("/cases/new", name="clinic_create_case")
def create_case(request: Request, signed: TherapistSession, apis: ApisDep, form: FormDep) -> Response:
    """Open the case as intake's API takes it; then record the consents' evidence, if given."""
    check_form_token(signed, form)
    if "more_rows" in form:  # the form again, with room for another function and more demands
        layout = [(block, len(form.get(f"fn{block}_demand", [])) + MORE_ROWS) for block in function_blocks(form)]
        return _form(request, apis, form, layout=[*layout, (max((b for b, _ in layout), default=-1) + 1, DEMAND_ROWS)])
    try:
        created = apis.intake.post("/v1/cases", case_body(form))
    except FormError as invalid:
        return _form(request, apis, form, problems=invalid.problems, status_code=422)
    except ApiError as refused:
        if refused.status not in (409, 422):
            raise
        return _form(request, apis, form, problems=refused.sentences(), status_code=refused.status, refused=refused)
    case = created.body
    done = "created"
    if evidence := consent_evidence(form):
        done = _record_evidence(apis, case, form, evidence)
    return RedirectResponse(f"{WORKSPACE.config.mount}/cases/{case['id']}?done={done}", status_code=303)


@router.post("/cases/new/strength", name="clinic_strength")
def strength(request: Request, signed: TherapistSession, form: FormDep) -> Response:
    """The DOT level the form's force demands call for, as intake computes it (the form's live line)."""
    check_form_token(signed, form)
    level = strength_level(form)
    words = f"Computed from the demands: {strength_name(level)}" if level else "Computed from the demands: none yet"
    stated = form.get("dot_strength_level", [""])[0]
    if level and stated and stated != level:
        words += f" — the referral states {strength_name(stated).lower()}: the case will flag the difference"
    return HTMLResponse(words + ".")


def _record_evidence(apis: Apis, case: dict[str, Any], form: Posted, evidence: str) -> str:
    """The consents as given on the form, with what they rest on, in the consents' history."""
    decisions = {name: {"granted": granted, "evidence": evidence} for name, granted in consent_flags(form).items()}
    try:
        apis.intake.put(f"/v1/cases/{case['id']}/consents", decisions, if_match=str(case["version"]))
    except ApiError:
        return "created-without-evidence"
    return "created"


def _form(
    request: Request,
    apis: Apis,
    form: Posted,
    *,
    layout: list[tuple[int, int]] | None = None,
    problems: list[str] | None = None,
    status_code: int = 200,
    refused: ApiError | None = None,
) -> Response:
    insurers, employers = apis.together(
        lambda: apis.intake.get("/v1/organisations", {"kind": "insurer"}),
        lambda: apis.intake.get("/v1/organisations", {"kind": "employer"}),
    )
    if layout is None:  # as sent: each function with its rows
        layout = [(block, max(1, len(form.get(f"fn{block}_demand", [])))) for block in function_blocks(form)]
    return WORKSPACE.render(
        request,
        "new_case.html",
        status_code,
        active="new_case",
        form=form,
        layout=layout,
        insurers=insurers.body["items"],
        employers=employers.body["items"],
        problems=problems or [],
        existing=(refused.problem.get("case_id") if refused is not None else None),
        level=strength_level(form),
    )
