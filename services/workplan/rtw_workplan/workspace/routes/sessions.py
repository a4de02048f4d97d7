"""The session log, made for a tablet in the clinic: the case's sessions; a new session's form with today's
prescription pre-filled from the plan (one row per activity: done, dose prescribed and achieved, tolerated or
stopped and why), pain before and after, Borg effort, minutes and work simulation; after saving, each
activity's recommendation with its reason, accepted or overridden with a reason in one step; a correction as
a new revision, with the history. Through workplan's own use cases (the API's `…/sessions`, `…/revisions`
and `…/decisions`). The form carries an Idempotency-Key made when it is shown, so sending it twice (a
double tap, a retry) records one session."""

from __future__ import annotations

import re
import uuid
from typing import Any

from fastapi import Request, Response
from fastapi.responses import RedirectResponse
from pydantic import ValidationError

from rtw_shared.errors import ConflictError, PreconditionFailedError, ProblemError, UnprocessableError
from rtw_shared.uow import UnitOfWork
from rtw_shared.web import UowDep

from ...dependencies import FeesDep
from ...plans.models import Plan
from ...progress import service as progress
from ...rules.projections import FeeSchedule
from ...sessions import service as sessions
from ...sessions.schemas import DecisionIn, SessionCorrectionIn, SessionIn
from ..forms import FormError, first
from ..pages import WORKSPACE, FormDep, Posted, SignedIn, TherapistSession, check_form_token, page_router
from ..session_form import activity_rows, rows_from_form, session_body, session_fields
from ..treatment import activity_names, current_phase, progress_of, todays_prescription, visible_plan
from ..wording import field_words

router = page_router()
REFUSED = (UnprocessableError, ConflictError, PreconditionFailedError)
ACTIONS = ("advance", "hold", "regress")
IDEMPOTENCY_KEY = re.compile(r"[\x21-\x7e]{1,200}")


def _sessions_url(plan_id: uuid.UUID) -> str:
    return f"{WORKSPACE.config.mount}/plans/{plan_id}/sessions"


@router.get("/plans/{plan_id}/sessions", name="clinic_sessions")
def session_log(request: Request, plan_id: uuid.UUID, uow: UowDep, signed: TherapistSession) -> Response:
    """The case's session log, most recent first, each with its revision."""
    plan = sessions.readable_plan(uow=uow, principal=signed.principal, plan_id=plan_id)
    rows, _ = sessions.list_sessions(uow=uow, principal=signed.principal, plan_id=plan_id, cursor=None, limit=200)
    logged = sorted(rows, key=lambda r: (r.session_date, r.created_at), reverse=True)
    return WORKSPACE.render(request, "sessions.html", active="caseload", plan=plan, sessions=logged)


@router.get("/plans/{plan_id}/sessions/new", name="clinic_new_session")
def new_session(request: Request, plan_id: uuid.UUID, uow: UowDep, signed: TherapistSession, fees: FeesDep) -> Response:
    """Today's session, its prescription pre-filled; a fresh Idempotency-Key in the form."""
    plan = visible_plan(uow, signed.principal, plan_id)
    return _form_page(request, uow, signed, plan, fees)


@router.post("/plans/{plan_id}/sessions", name="clinic_log_session")
def log_session(
    request: Request, plan_id: uuid.UUID, uow: UowDep, signed: TherapistSession, fees: FeesDep, form: FormDep
) -> Response:
    """Record the session (once per Idempotency-Key), then show its recommendations."""
    check_form_token(signed, form)
    try:
        data = _session_in(form)
        row, _ = sessions.log_session(
            uow=uow,
            principal=signed.principal,
            plan_id=plan_id,
            data=data,
            idempotency_key=_idempotency_key(form),
            fees=fees,
        )
    except (FormError, *REFUSED) as refused:
        plan = visible_plan(uow, signed.principal, plan_id)
        return _form_page(request, uow, signed, plan, fees, form=form, problems=_problems(refused), status=422)
    return RedirectResponse(f"{_sessions_url(plan_id)}/{row.id}?saved=1#recommendations", status_code=303)


@router.get("/plans/{plan_id}/sessions/{session_id}", name="clinic_session")
def session_page(
    request: Request,
    plan_id: uuid.UUID,
    session_id: uuid.UUID,
    uow: UowDep,
    signed: TherapistSession,
    fees: FeesDep,
    saved: str | None = None,
    decided: str | None = None,
    corrected: str | None = None,
) -> Response:
    """One session: what was done, each activity's recommendation (to accept or override), its revisions."""
    done = "Session saved." if saved else "Decision saved." if decided else "Correction saved." if corrected else None
    return _session_page(request, uow, signed, fees, plan_id, session_id, done=done)


@router.post("/plans/{plan_id}/sessions/{session_id}/decisions", name="clinic_decide")
def decide(
    request: Request,
    plan_id: uuid.UUID,
    session_id: uuid.UUID,
    uow: UowDep,
    signed: TherapistSession,
    fees: FeesDep,
    form: FormDep,
) -> Response:
    """Accept an activity's recommendation, or override it with what instead and why — one form, one step."""
    check_form_token(signed, form)
    try:
        data = _decision_in(form)
        sessions.decide(
            uow=uow, principal=signed.principal, plan_id=plan_id, session_id=session_id, data=data, fees=fees
        )
    except (FormError, *REFUSED) as refused:
        return _session_page(
            request, uow, signed, fees, plan_id, session_id, problems=_problems(refused), form=form, status=422
        )
    return RedirectResponse(f"{_sessions_url(plan_id)}/{session_id}?decided=1#recommendations", status_code=303)


@router.get("/plans/{plan_id}/sessions/{session_id}/correct", name="clinic_correct_session")
def correction_form(
    request: Request, plan_id: uuid.UUID, session_id: uuid.UUID, uow: UowDep, signed: TherapistSession, fees: FeesDep
) -> Response:
    """The session as logged, to correct; the correction needs a reason."""
    row, _ = sessions.get_session(uow=uow, principal=signed.principal, plan_id=plan_id, session_id=session_id)
    plan = visible_plan(uow, signed.principal, plan_id)
    return _form_page(
        request, uow, signed, plan, fees, logged=row.content, session_id=session_id, revision=row.revision
    )


@router.post("/plans/{plan_id}/sessions/{session_id}/correct", name="clinic_save_correction")
def save_correction(
    request: Request,
    plan_id: uuid.UUID,
    session_id: uuid.UUID,
    uow: UowDep,
    signed: TherapistSession,
    fees: FeesDep,
    form: FormDep,
) -> Response:
    """Save the correction as a new revision (If-Match: the revision the form was made from)."""
    check_form_token(signed, form)
    try:
        correction = _correction_in(form)
        sessions.correct_session(
            uow=uow,
            principal=signed.principal,
            plan_id=plan_id,
            session_id=session_id,
            correction=correction,
            if_match=f'"{_revision(form)}"',
            fees=fees,
        )
    except (FormError, *REFUSED) as refused:
        plan = visible_plan(uow, signed.principal, plan_id)
        revision = int(first(form, "revision")) if first(form, "revision").isdigit() else None
        return _form_page(
            request,
            uow,
            signed,
            plan,
            fees,
            form=form,
            session_id=session_id,
            revision=revision,
            problems=_problems(refused),
            status=422,
        )
    return RedirectResponse(f"{_sessions_url(plan_id)}/{session_id}?corrected=1#history", status_code=303)


def _idempotency_key(form: Posted) -> str:
    """The key the form was made with (the API's rule: 1 to 200 printable characters, no spaces)."""
    key = first(form, "idempotency_key")
    if not IDEMPOTENCY_KEY.fullmatch(key):
        raise FormError(["This form has expired: open “Log a session” again"])
    return key


def _kept_key(form: Posted | None) -> str | None:
    """A refused form's own key, to send again with the corrected form (nothing was recorded with it)."""
    key = first(form, "idempotency_key") if form else ""
    return key if IDEMPOTENCY_KEY.fullmatch(key) else None


def _revision(form: Posted) -> int:
    """The revision the correction was made from (sent back as If-Match)."""
    revision = first(form, "revision")
    if not revision.isdigit():
        raise FormError(["This form has expired: open the session and correct it again"])
    return int(revision)


def _session_in(form: Posted) -> SessionIn:
    try:
        return SessionIn.model_validate(session_body(form))
    except ValidationError as invalid:
        raise FormError(_sentences(invalid)) from invalid


def _correction_in(form: Posted) -> SessionCorrectionIn:
    session = _session_in(form)
    reason = first(form, "reason")
    if not reason:
        raise FormError(["Reason for the correction: say what was wrong (it is kept with the history)"])
    return SessionCorrectionIn(session=session, reason=reason)


def _decision_in(form: Posted) -> DecisionIn:
    decision = first(form, "decision") or "accept"
    body: dict[str, Any] = {"decision": decision}
    for name in ("activity_id", "kind", "demand", "frequency"):
        if value := first(form, name):
            body[name] = value
    if decision == "override":
        body["chosen"] = first(form, "chosen") or None
        body["reason"] = first(form, "reason") or None
        if body["reason"] is None:
            raise FormError(["Override: say why (the reason is kept beside the recommendation)"])
    try:
        return DecisionIn.model_validate(body)
    except ValidationError as invalid:
        raise FormError(_sentences(invalid)) from invalid


def _sentences(invalid: ValidationError) -> list[str]:
    found = []
    for error in invalid.errors():
        where = ".".join(str(part) for part in error["loc"])
        message = str(error["msg"]).removeprefix("Value error, ")
        found.append(f"{field_words(where)}: {message}" if where else message)
    return found


def _problems(refused: Exception) -> list[str]:
    if isinstance(refused, FormError):
        return refused.problems
    assert isinstance(refused, ProblemError)
    return [refused.detail]


def _form_page(
    request: Request,
    uow: UnitOfWork,
    signed: SignedIn,
    plan: Plan,
    fees: FeeSchedule,
    *,
    form: Posted | None = None,
    logged: dict[str, Any] | None = None,
    session_id: uuid.UUID | None = None,
    revision: int | None = None,
    problems: list[str] | None = None,
    status: int = 200,
) -> Response:
    today = uow.now().date()
    shown = progress_of(uow, signed.principal, plan, fees)
    planned = todays_prescription(plan, shown, today)
    if form is not None:
        rows, fields = rows_from_form(form), {name: first(form, name) for name in session_fields(None, "")}
    else:
        phase = current_phase(plan, today)
        fields = session_fields(
            logged,
            str(today),
            minutes=phase.minutes_per_session if phase else None,
            work_simulation=any(a["kind"] == "work_simulation" for a in planned),
        )
        rows = activity_rows(planned, (logged or {}).get("activities", []))
    return WORKSPACE.render(
        request,
        "session_form.html",
        status,
        active="caseload",
        plan=plan,
        rows=rows,
        fields=fields,
        today=today,
        session_id=session_id,
        revision=revision,
        reason=first(form, "reason") if form else "",
        # Made once per form shown, kept when the form comes back refused: the same tap twice is one session.
        idempotency_key=_kept_key(form) or uuid.uuid4().hex,
        problems=problems or [],
    )


def _session_page(
    request: Request,
    uow: UnitOfWork,
    signed: SignedIn,
    fees: FeeSchedule,
    plan_id: uuid.UUID,
    session_id: uuid.UUID,
    *,
    done: str | None = None,
    problems: list[str] | None = None,
    form: Posted | None = None,
    status: int = 200,
) -> Response:
    row, revisions = sessions.get_session(uow=uow, principal=signed.principal, plan_id=plan_id, session_id=session_id)
    plan = visible_plan(uow, signed.principal, plan_id)
    recommended = sessions.recommendations(uow=uow, row=row, fees=fees)
    decisions = [d for d in progress.decisions_of(uow, plan) if d.session_id == row.id]
    decided = {str(d.activity_id or f"{d.kind}:{d.demand}"): d for d in decisions}  # the latest wins
    return WORKSPACE.render(
        request,
        "session.html",
        status,
        active="caseload",
        plan=plan,
        row=row,
        content=row.content,
        recommended=recommended,
        decided=decided,
        in_force=plan.status == "published",
        names=activity_names(plan),
        me=signed.principal.subject,
        revisions=list(reversed(revisions)),
        actions=ACTIONS,
        done=done,
        problems=problems or [],
        sent=form or {},
    )
