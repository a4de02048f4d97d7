"""A plan: one version read (projections, goals with their GAS rows, phases and activities, the graduated
schedule with its dates, restrictions, accommodations with their Job Accommodation Network category
explained, the warnings acknowledged, what changed from the version before, side by side), and the plan
builder for a draft.

The builder is one form whose inputs are named by the API body's field paths (workspace/plan_form.py): the
draft as the case gave it (workplan's draft-from-case), goals with their GAS rows and weights, phases with
named activities, the schedule with each week's dates, accommodations. As the therapist types, the page
asks `…/builder/check` what publishing it would meet — hard errors beside their inputs, clinical warnings in
words with a box to acknowledge each, the projected readiness, return-to-work date and cost — and nothing is
written (publication.service.preview_draft). Saving and publishing go through the same use cases as
`PUT /v1/plans/{id}` and `POST /v1/plans/{id}/publish`, with the revision the page showed as If-Match.

From a published version: revise (a new draft version, `POST /v1/plans/{id}/revisions`'s use case), and
accept the employer's counter-proposal on it (employer's `POST /v1/accommodations/{id}/counter/accept` as
the therapist, with the request's version as If-Match); workplan then publishes the agreed version (the
`accommodation.decided` handler), which the page shows once it is there. Notify's emails link here
(`/clinic/plans/{plan_id}`)."""

from __future__ import annotations

import re
import uuid
from datetime import date, timedelta
from typing import Any

from fastapi import Request, Response
from fastapi.responses import JSONResponse, RedirectResponse

from rtw_shared.concurrency import etag
from rtw_shared.errors import PreconditionFailedError, UnprocessableError
from rtw_shared.uow import UnitOfWork
from rtw_shared.web import UowDep

from ...dependencies import FeesDep
from ...plans import service as plans
from ...plans.models import Plan
from ...plans.versions import week_starts
from ...plans.views import PlanTherapistView, document
from ...publication import service as publication
from ...publication.service import draft_projections
from ...rules.projections import FeeSchedule
from .. import wording as words
from ..api import Answer, ApiError, Apis, ApisDep, lenient
from ..pages import WORKSPACE, FormDep, SignedIn, TherapistSession, check_form_token, page_router
from ..plan_changes import side_by_side
from ..plan_form import GAS_LEVELS, Problems, apply_action, field_id, form_state, problems_of, state_of, validated
from ..wording import EN_DASH, long_date, schedule_bars

router = page_router()
DONE = {
    "published": "The plan is published: the employer and the insurer are told.",
    "saved": "The draft is saved.",
    "revised": "A new draft version is open: change what needs changing, then publish it.",
    "accepted": "You accepted the employer's counter-proposal. The agreed version is published in a moment: "
    "it appears among the versions above.",
}
STALE = "Someone changed this draft since you opened it. Here it is as it stands now: make your change again."


@router.get("/plans/{plan_id}", name="clinic_plan")
def plan_page(
    request: Request,
    plan_id: uuid.UUID,
    uow: UowDep,
    signed: TherapistSession,
    apis: ApisDep,
    fees: FeesDep,
    done: str | None = None,
) -> Response:
    """One plan version (404 for a plan outside the therapist's clinic, as the API)."""
    return _plan_page(request, uow, signed, apis, fees, plan_id, done=DONE.get(done or ""))


@router.post("/plans/{plan_id}/revise", name="clinic_revise_plan")
def revise(request: Request, plan_id: uuid.UUID, uow: UowDep, signed: TherapistSession, form: FormDep) -> Response:
    """Open a new draft version of the plan in force and go to its builder (409 page: a draft is open already)."""
    check_form_token(signed, form)
    draft = plans.revise_plan(uow=uow, principal=signed.principal, plan_id=plan_id, if_match=_if_match(form))
    return _redirect(f"/plans/{draft.id}/builder?done=revised")


@router.post("/plans/{plan_id}/counters/{request_id}/accept", name="clinic_accept_counter")
def accept_counter(
    request: Request,
    plan_id: uuid.UUID,
    request_id: uuid.UUID,
    uow: UowDep,
    signed: TherapistSession,
    apis: ApisDep,
    fees: FeesDep,
    form: FormDep,
) -> Response:
    """Accept the employer's counter-proposal on this version, as employer's API takes it (If-Match: the
    request's version the page showed); a refusal shows the plan again saying why."""
    check_form_token(signed, form)
    plans.get_visible_plan(uow=uow, principal=signed.principal, plan_id=plan_id)
    version = (form.get("version") or [""])[0]
    try:
        apis.employer.post(f"/v1/accommodations/{request_id}/counter/accept", if_match=version or "0")
    except ApiError as refused:
        if refused.status not in (409, 412, 422):
            raise
        problems = refused.sentences() if refused.status != 412 else [STALE.replace("draft", "request")]
        return _plan_page(request, uow, signed, apis, fees, plan_id, problems=problems, status=refused.status)
    return _redirect(f"/plans/{plan_id}?done=accepted#versions")


@router.get("/plans/{plan_id}/builder", name="clinic_plan_builder")
def builder_page(
    request: Request,
    plan_id: uuid.UUID,
    uow: UowDep,
    signed: TherapistSession,
    apis: ApisDep,
    fees: FeesDep,
    done: str | None = None,
) -> Response:
    """The draft in the builder, checked as it stands (a version that is no draft: its page)."""
    plan = plans.get_visible_plan(uow=uow, principal=signed.principal, plan_id=plan_id)
    if plan.status != "draft":
        return _redirect(f"/plans/{plan_id}")
    state = state_of(plan.content)
    return _builder(request, uow, signed, apis, fees, plan, state, done=DONE.get(done or ""))


@router.post("/plans/{plan_id}/builder", name="clinic_plan_builder_post")
def builder_post(
    request: Request,
    plan_id: uuid.UUID,
    uow: UowDep,
    signed: TherapistSession,
    apis: ApisDep,
    fees: FeesDep,
    form: FormDep,
) -> Response:
    """A row added or removed (nothing saved), the draft saved, or saved and published."""
    check_form_token(signed, form)
    plan = plans.get_visible_plan(uow=uow, principal=signed.principal, plan_id=plan_id)
    state = form_state(form)
    action = (form.get("action") or ["save"])[0]
    if action not in ("save", "publish"):
        apply_action(state, action)
        return _builder(request, uow, signed, apis, fees, plan, state, revision=_revision(form), focus=action)
    content, problems = validated(state)
    if content is None:
        return _builder(request, uow, signed, apis, fees, plan, state, revision=_revision(form), problems=problems)
    try:
        saved = plans.replace_draft(
            uow=uow, principal=signed.principal, plan_id=plan_id, content=content, if_match=_if_match(form)
        )
        if action == "save":
            return _redirect(f"/plans/{plan_id}/builder?done=saved")
        publication.publish_plan(
            uow=uow,
            principal=signed.principal,
            plan_id=plan_id,
            fees=fees,
            acknowledge=state["acknowledge"],
            if_match=etag(saved.revision),
        )
    except PreconditionFailedError:
        uow.session.rollback()
        fresh = plans.get_visible_plan(uow=uow, principal=signed.principal, plan_id=plan_id)
        return _builder(request, uow, signed, apis, fees, fresh, state_of(fresh.content), stale=True, status=412)
    except UnprocessableError as refused:
        uow.session.rollback()
        fresh = plans.get_visible_plan(uow=uow, principal=signed.principal, plan_id=plan_id)
        said = refused.extra.get("problems")
        found = problems_of(said if isinstance(said, list) else [])
        if not found and not refused.extra.get("warnings"):
            found = {"": [refused.detail]}
        return _builder(request, uow, signed, apis, fees, fresh, state, problems=found, status=422)
    return _redirect(f"/plans/{plan_id}?done=published")


@router.post("/plans/{plan_id}/builder/check", name="clinic_plan_check")
def builder_check(
    request: Request, plan_id: uuid.UUID, uow: UowDep, signed: TherapistSession, fees: FeesDep, form: FormDep
) -> Response:
    """The live checks of the form as it stands: the checks panel's HTML and each field's problems (JSON,
    for the page's script). Nothing is written."""
    check_form_token(signed, form)
    state = form_state(form)
    checked = _checked(uow, signed, fees, plan_id, state)
    panel = WORKSPACE.templates.get_template("_plan_checks.html").render(
        checked=checked, state=state, words=WORKSPACE.templates.env.globals.get("words"), field_id=field_id
    )
    fields = {field_id(path): messages for path, messages in checked["problems"].items() if path}
    return JSONResponse({"panel": panel, "fields": fields})


def _checked(
    uow: UnitOfWork, signed: SignedIn, fees: FeeSchedule, plan_id: uuid.UUID, state: dict[str, Any]
) -> dict[str, Any]:
    """The form's problems by field (the API's own validation, then the publication's checks), the warnings
    in words, and what publishing it would fix (None while the form does not validate)."""
    content, problems = validated(state)
    if content is None:
        return _labelled({"problems": problems, "warnings": [], "preview": None}, state)
    preview = publication.preview_draft(
        uow=uow, principal=signed.principal, plan_id=plan_id, content=content, fees=fees
    )
    for error in preview.errors:
        problems.setdefault(error.field, []).append(_in_words(error.message))
    warnings = [
        {
            "code": w.code,
            "field": w.field,
            "text": f"{_named(state, w.field)}{_in_words(w.message)}",
            "carried": carried,
        }
        for w, carried in preview.warnings
    ]
    return _labelled({"problems": problems, "warnings": warnings, "preview": preview.projections}, state)


def _labelled(checked: dict[str, Any], state: dict[str, Any]) -> dict[str, Any]:
    """`checked` with each problem's field in words (the panel's list links to the field)."""
    return {**checked, "labels": {path: _label(state, path) for path in checked["problems"]}}


WHOLE_NUMBER = re.compile(r"\b(\d+)\.0\b")
DEMAND_CODE = re.compile(r"\b[a-z]+(?:_[a-z]+)+\b")
ISO_DAY = re.compile(r"\b\d{4}-\d{2}-\d{2}\b")


def _in_words(message: str) -> str:
    """A check's message as a therapist says it: `lifting from floor to waist`, not `lift_floor_waist`;
    `15 kg`, not `15.0 kg`; `Mon 4 Jan 2027`, not `2027-01-04`."""
    message = WHOLE_NUMBER.sub(r"\1", message)
    message = ISO_DAY.sub(lambda m: long_date(date.fromisoformat(m.group(0))), message)
    return DEMAND_CODE.sub(lambda m: _demand_words(m.group(0)), message)


def _demand_words(code: str) -> str:
    return words.demand_name(code).lower() if code in words.DEMAND_CHOICES else code.replace("_", " ")


def _named(state: dict[str, Any], path: str) -> str:
    """What a checked field is about, by its name (`Goal “Lift a tote”: `), not its position."""
    thing = _thing(state, path.split("."))
    return f"{thing}: " if thing else ""


def _thing(state: dict[str, Any], parts: list[str]) -> str | None:
    """The goal, phase, activity, week or accommodation a field path is in, by its name; None: none."""
    try:
        row = state[parts[0]][int(parts[1])]
        if parts[0] == "goals":
            return f"Goal “{row.get('description') or words.demand_name(row.get('demand'))}”"
        if parts[0] == "phases" and len(parts) > 3 and parts[2] == "activities":
            activity = row["activities"][int(parts[3])]
            name = activity.get("name") or activity.get("kind", "").replace("_", " ")
            return f"Activity “{name}” ({row.get('name')})"
        if parts[0] == "phases":
            return f"Phase “{row.get('name')}”"
        if parts[0] == "schedule":
            return f"Week {row.get('week')}"
        if parts[0] == "accommodations":
            return f"Accommodation “{words.category_name(row.get('category') or '')}”"
    except (IndexError, KeyError, ValueError, TypeError):
        return None
    return None


def _label(state: dict[str, Any], path: str) -> str:
    """A field path in words, its row named by text: `Goal “Lift a tote”, GAS -1`."""
    parts = path.split(".")
    thing = _thing(state, parts) if len(parts) > 1 else None
    if thing is None:
        return words.field_words(path)
    depth = 4 if len(parts) > 3 and parts[2] == "activities" else 2
    rest = parts[depth:]
    if rest[:1] == ["gas"] and len(rest) == 2:
        return f"{thing}, GAS {dict((k, sign) for k, sign, _ in GAS_LEVELS).get(rest[1], rest[1])}"
    return f"{thing}, {' '.join(rest).replace('_', ' ')}" if rest else thing


def _builder(
    request: Request,
    uow: UnitOfWork,
    signed: SignedIn,
    apis: Apis,
    fees: FeeSchedule,
    plan: Plan,
    state: dict[str, Any],
    *,
    revision: int | None = None,
    problems: Problems | None = None,
    done: str | None = None,
    stale: bool = False,
    focus: str | None = None,
    status: int = 200,
) -> Response:
    view = PlanTherapistView.model_validate(document(plan, draft_projections(uow, plan, fees)))
    checked = _checked(uow, signed, fees, plan.id, state)
    if problems:  # what the save or publication said outranks the preview's view of the same fields
        checked = _labelled({**checked, "problems": {**checked["problems"], **problems}}, state)
    previous = (
        plans.get_visible_plan(uow=uow, principal=signed.principal, plan_id=plan.previous_plan_id)
        if plan.previous_plan_id
        else None
    )
    [case] = apis.together(lenient(lambda: apis.intake.get(f"/v1/cases/{plan.case_id}")))
    projections = checked["preview"] or view.projections
    start = projections.schedule_start_date if projections else None
    return WORKSPACE.render(
        request,
        "plan_builder.html",
        status,
        active="caseload",
        plan=view,
        revision=revision if revision is not None else plan.revision,
        reference=plan.case.reference,
        case=case.body if case.ok else None,
        state=state,
        checked=checked,
        week_dates=_week_dates(state, start),
        changes=side_by_side(previous.content, plan.content) if previous else [],
        previous_version=previous.version if previous else None,
        gas_levels=GAS_LEVELS,
        field_id=field_id,
        done=done,
        stale=stale,
        focus=field_id(focus.split(":", 1)[1]) if focus and ":" in focus else None,
    )


def _week_dates(state: dict[str, Any], start: date | None) -> list[str]:
    """Each schedule row's calendar dates (Monday to Sunday), from the schedule's start."""
    found = []
    for week in state.get("schedule") or []:
        try:
            first = week_starts(start, int(week.get("week") or "")) if start else None
        except ValueError:
            first = None
        found.append(f"{long_date(first)} {EN_DASH} {long_date(first + timedelta(days=6))}" if first else "")
    return found


def _plan_page(
    request: Request,
    uow: UnitOfWork,
    signed: SignedIn,
    apis: Apis,
    fees: FeeSchedule,
    plan_id: uuid.UUID,
    *,
    done: str | None = None,
    problems: list[str] | None = None,
    status: int = 200,
) -> Response:
    plan = plans.get_visible_plan(uow=uow, principal=signed.principal, plan_id=plan_id)
    view = PlanTherapistView.model_validate(document(plan, draft_projections(uow, plan, fees)))
    versions, _ = plans.list_visible_plans(
        uow=uow, principal=signed.principal, case_id=plan.case_id, cursor=None, limit=50
    )
    previous = next((p for p in versions if p.id == plan.previous_plan_id), None)
    case, requests = apis.together(
        lenient(lambda: apis.intake.get(f"/v1/cases/{plan.case_id}")),
        lenient(lambda: apis.employer.get("/v1/accommodations", {"case_id": str(plan.case_id), "limit": 50})),
    )
    return WORKSPACE.render(
        request,
        "plan.html",
        status,
        active="caseload",
        plan=view,
        revision=plan.revision,
        reference=plan.case.reference,
        case=case.body if case.ok else None,
        versions=[(p.id, p.version, p.status) for p in sorted(versions, key=lambda p: p.version)],
        has_draft=any(p.status == "draft" for p in versions),
        bars=schedule_bars([week.model_dump() for week in view.schedule]),
        changes=side_by_side(previous.content, plan.content) if previous else [],
        previous_version=previous.version if previous else None,
        counters=_counters(requests, plan_id),
        done=done,
        problems=problems or [],
    )


def _counters(requests: Answer, plan_id: uuid.UUID) -> list[dict[str, Any]]:
    """The employer's counter-proposals on this version that wait for the therapist."""
    items = requests.body.get("items", []) if requests.ok and requests.body else []
    return [r for r in items if r.get("status") == "countered" and r.get("plan_id") == str(plan_id)]


def _revision(form: dict[str, list[str]]) -> int | None:
    value = (form.get("revision") or [""])[0]
    return int(value) if value.isdigit() else None


def _if_match(form: dict[str, list[str]]) -> str:
    """The revision the page showed, as If-Match (none sent: a version no plan has, so 412)."""
    revision = _revision(form)
    return etag(revision if revision is not None else 0)


def _redirect(path: str) -> Response:
    return RedirectResponse(f"{WORKSPACE.config.mount}{path}", status_code=303)
