"""The case page and the changes made from it: summary, the plan's versions, accommodation requests,
restrictions with their dates, assessments, consents (grant, withdraw, with evidence), the timeline, and
status moves with their reasons (only the moves intake allows from here). Reads and writes go through
intake's and employer's APIs as the therapist, every write with the case's version as If-Match; the plans
come from workplan's own use case. A refused change shows the page again, as it stands, saying why."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from typing import Any

from fastapi import Request, Response
from fastapi.responses import RedirectResponse

from rtw_shared.web import UowDep

from ...plans import service as plans
from ...plans.views import PlanTherapistView, document
from ..api import Answer, ApiError, Apis, ApisDep, lenient
from ..forms import FormError, consent_body, restrictions_body, transition_body
from ..pages import WORKSPACE, FormDep, Posted, SignedIn, TherapistSession, check_form_token, page_router

router = page_router()
EMPTY_RESTRICTION_ROWS = 2
DONE = {
    "created": "The case is open. A draft plan is being prepared from it.",
    "created-without-evidence": "The case is open, but the consents' evidence could not be recorded: add it below.",
    "status": "The status was changed.",
    "consent": "The consent was recorded.",
    "restrictions": "The restrictions were saved.",
    "assessment": "The assessment was recorded.",
}
STALE = "This case changed since you opened it. Here it is as it stands now: check it, and make your change again."


@router.get("/cases/{case_id}", name="clinic_case")
def case_page(
    request: Request, case_id: uuid.UUID, uow: UowDep, signed: TherapistSession, apis: ApisDep, done: str | None = None
) -> Response:
    """Everything about one case on one page (404 for a case outside the therapist's clinic, as the API)."""
    return _page(request, uow, signed, apis, case_id, done=DONE.get(done or ""))


@router.post("/cases/{case_id}/status", name="clinic_move")
def move(
    request: Request, case_id: uuid.UUID, uow: UowDep, signed: TherapistSession, apis: ApisDep, form: FormDep
) -> Response:
    """Move the case to another status, with the reason (intake refuses a move it does not allow: 409)."""
    return _change(request, uow, signed, apis, case_id, form, "status", transition_body, "POST", "transitions")


@router.post("/cases/{case_id}/consents", name="clinic_consent")
def consent(
    request: Request, case_id: uuid.UUID, uow: UowDep, signed: TherapistSession, apis: ApisDep, form: FormDep
) -> Response:
    """Record the worker granting or withdrawing a consent, and what that rests on."""
    return _change(request, uow, signed, apis, case_id, form, "consents", consent_body, "PUT", "consents")


@router.post("/cases/{case_id}/restrictions", name="clinic_restrictions")
def restrictions(
    request: Request, case_id: uuid.UUID, uow: UowDep, signed: TherapistSession, apis: ApisDep, form: FormDep
) -> Response:
    """Replace the case's restrictions with the table as sent (a row whose demand is emptied is removed)."""
    return _change(request, uow, signed, apis, case_id, form, "restrictions", restrictions_body, "PUT", "restrictions")


def _change(
    request: Request,
    uow: UowDep,
    signed: SignedIn,
    apis: Apis,
    case_id: uuid.UUID,
    form: Posted,
    section: str,
    read: Callable[[Posted], dict[str, Any]],
    method: str,
    path: str,
) -> Response:
    """A change made from the case page: the form read into the API's body, sent with If-Match."""
    check_form_token(signed, form)
    version = (form.get("version") or [""])[0]
    try:
        body = read(form)
        send = apis.intake.post if method == "POST" else apis.intake.put
        send(f"/v1/cases/{case_id}/{path}", body, if_match=version)
    except FormError as invalid:
        return _page(request, uow, signed, apis, case_id, status=422, problems={section: invalid.problems}, form=form)
    except ApiError as refused:
        if refused.status == 412:
            return _page(request, uow, signed, apis, case_id, status=412, problems={section: [STALE]})
        if refused.status not in (409, 422):
            raise
        problems = {section: refused.sentences()}
        return _page(request, uow, signed, apis, case_id, status=refused.status, problems=problems, form=form)
    done = {"status": "status", "consents": "consent", "restrictions": "restrictions"}[section]
    return RedirectResponse(f"{WORKSPACE.config.mount}/cases/{case_id}?done={done}#{section}", status_code=303)


def _page(
    request: Request,
    uow: UowDep,
    signed: SignedIn,
    apis: Apis,
    case_id: uuid.UUID,
    *,
    status: int = 200,
    done: str | None = None,
    problems: dict[str, list[str]] | None = None,
    form: Posted | None = None,
) -> Response:
    case, timeline, consents, assessments, requests = apis.together(
        lambda: apis.intake.get(f"/v1/cases/{case_id}"),
        lambda: apis.intake.get(f"/v1/cases/{case_id}/timeline"),
        lambda: apis.intake.get(f"/v1/cases/{case_id}/consents"),
        lambda: apis.intake.get(f"/v1/cases/{case_id}/assessments"),
        lenient(lambda: apis.employer.get("/v1/accommodations", {"case_id": str(case_id), "limit": 50})),
    )
    versions, _ = plans.list_visible_plans(uow=uow, principal=signed.principal, case_id=case_id, cursor=None, limit=50)
    return WORKSPACE.render(
        request,
        "case.html",
        status,
        active="caseload",
        case=case.body,
        version=case.version,
        timeline=list(reversed(timeline.body["items"])),  # newest first
        consents=consents.body,
        assessments=list(reversed(assessments.body["items"])),
        requests=_items(requests),
        requests_unavailable=not requests.ok,
        plans=[PlanTherapistView.model_validate(document(p)) for p in versions],
        restriction_rows=_restriction_rows(case.body, form),
        done=done,
        problems=problems or {},
    )


def _restriction_rows(case: dict[str, Any], form: Posted | None) -> list[dict[str, str]]:
    """The restrictions table's rows: as sent (a form shown again), else the case's and a few empty ones."""
    if form is not None and "r_demand" in form:
        columns = ("demand", "frequency", "amount", "unit", "start", "review_date", "end")
        length = len(form["r_demand"])
        return [{c: (form.get(f"r_{c}") or [""] * length)[i] for c in columns} for i in range(length)]
    rows = [
        {
            "demand": r["demand"],
            "frequency": r.get("frequency") or "",
            "amount": _figure(r.get("load_kg") if r.get("load_kg") is not None else r.get("duration_min")),
            "unit": "kg" if r.get("load_kg") is not None else "min" if r.get("duration_min") is not None else "kg",
            "start": r.get("start") or "",
            "review_date": r.get("review_date") or "",
            "end": r.get("end") or "",
        }
        for r in case.get("restrictions", [])
    ]
    return rows + [{"unit": "kg"} for _ in range(EMPTY_RESTRICTION_ROWS)]


def _figure(value: float | None) -> str:
    return "" if value is None else f"{value:g}"


def _items(answer: Answer) -> list[dict[str, Any]]:
    return list(answer.body.get("items", [])) if answer.ok and answer.body else []
