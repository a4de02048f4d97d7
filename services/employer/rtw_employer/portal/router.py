"""The employer portal's pages (docs/portal.md): thin, like the API's endpoints. Reads and decisions go
through the same use cases as `/v1/accommodations` (accommodations.service), so the same access
decision, the same If-Match check and the same audit apply; sign-in through portal.service."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from typing import Annotated

from fastapi import APIRouter, Form, Query, Request, Response
from fastapi.responses import RedirectResponse

from rtw_shared.errors import ConflictError, PreconditionFailedError
from rtw_shared.web import UowDep

from ..accommodations import service as accommodations
from ..accommodations import views as accommodation_views
from ..accommodations.schemas import AccommodationView, DecisionIn
from . import forms, service, wording
from .oidc import SignInError
from .pages import (
    LOGIN_COOKIE,
    SESSION_COOKIE,
    EmployerSession,
    MaybeSignedIn,
    NotAnEmployerError,
    PortalRoute,
    Refusal,
    check_form_token,
    forget_cookie,
    oidc_client,
    render,
    safe_return_path,
    set_cookie,
)
from .service import SignedIn

router = APIRouter(prefix="/portal", route_class=PortalRoute, include_in_schema=False)
PENDING, HISTORY = ("requested",), ("confirmed", "declined", "countered", "expired", "withdrawn")
ANSWERED = frozenset({"confirmed", "declined", "countered"})
Token = Annotated[str, Form(max_length=100)]
Version = Annotated[str, Form(max_length=20)]
Text = Annotated[str, Form(max_length=2000)]
Cursor = Annotated[str | None, Query(max_length=200)]
STALE = (
    "This request changed since you opened it (someone answered it, or it was withdrawn). "
    "Here it is as it stands now: check it, and answer again if it still asks for an answer."
)


@router.get("", name="portal_home")
def home(request: Request, signed: MaybeSignedIn) -> Response:
    """The front door: signed-in employers go to their requests, everyone else is asked to sign in."""
    if signed is None:
        return render(request, "welcome.html")
    if not signed.principal.has_role("employer"):
        raise NotAnEmployerError()
    return RedirectResponse("/portal/requests", status_code=303)


@router.get("/login", name="portal_login")
def login(request: Request, uow: UowDep, next: Annotated[str | None, Query(max_length=500)] = None) -> Response:
    """Send the browser to Keycloak's sign-in page (authorization code + PKCE)."""
    login_id, url = service.start_login(
        uow=uow,
        oidc=oidc_client(request),
        redirect_uri=str(request.url_for("portal_callback")),
        return_to=safe_return_path(next),
    )
    response = RedirectResponse(url, status_code=303)
    set_cookie(request, response, LOGIN_COOKIE, login_id, max_age=600)
    return response


@router.get("/callback", name="portal_callback")
def callback(
    request: Request,
    uow: UowDep,
    code: Annotated[str, Query(max_length=4000)] = "",
    state: Annotated[str, Query(max_length=200)] = "",
    error: Annotated[str, Query(max_length=200)] = "",
) -> Response:
    """Keycloak sends the browser back here: check state and nonce, trade the code, start the session."""
    if error or not code:
        return _sign_in_failed(request, f"Keycloak answered: {error or 'no code'}.")
    try:
        session_id, return_to, principal = service.finish_login(
            uow=uow,
            oidc=oidc_client(request),
            validator=request.app.state.token_validator,
            settings=request.app.state.settings,
            login_id=request.cookies.get(LOGIN_COOKIE, ""),
            state=state,
            code=code,
            redirect_uri=str(request.url_for("portal_callback")),
        )
    except SignInError as failure:
        return _sign_in_failed(request, f"{failure}.")
    request.state.principal = principal  # the sign-in itself is audited
    response = RedirectResponse(return_to, status_code=303)
    set_cookie(request, response, SESSION_COOKIE, session_id)
    forget_cookie(request, response, LOGIN_COOKIE)
    return response


@router.post("/logout", name="portal_logout")
def logout(request: Request, uow: UowDep, signed: MaybeSignedIn, csrf_token: Token = "") -> Response:
    """End the portal session and Keycloak's, then come back to the signed-out page."""
    signed_out = str(request.url_for("portal_signed_out"))
    target = signed_out
    if signed is not None:
        check_form_token(signed, csrf_token)
        id_token = service.logout(uow=uow, session_id=request.cookies.get(SESSION_COOKIE, ""))
        if id_token:
            target = oidc_client(request).end_session_url(id_token=id_token, post_logout_redirect_uri=signed_out)
    response = RedirectResponse(target, status_code=303)
    forget_cookie(request, response, SESSION_COOKIE)
    return response


@router.get("/signed-out", name="portal_signed_out")
def signed_out(request: Request) -> Response:
    """Confirms the sign-out."""
    return render(request, "signed_out.html")


@router.get("/requests", name="portal_pending")
def pending(request: Request, uow: UowDep, signed: EmployerSession, cursor: Cursor = None) -> Response:
    """The organisation's requests awaiting an answer, newest first, one page at a time."""
    return _listing(request, uow, signed, cursor, statuses=PENDING, template="pending.html")


@router.get("/history", name="portal_history")
def history(request: Request, uow: UowDep, signed: EmployerSession, cursor: Cursor = None) -> Response:
    """The organisation's answered (or ended) requests: who decided, when, and the attestation."""
    return _listing(request, uow, signed, cursor, statuses=HISTORY, template="history.html")


@router.get("/requests/{request_id}", name="portal_request")
def request_page(
    request: Request,
    request_id: uuid.UUID,
    uow: UowDep,
    signed: EmployerSession,
    done: Annotated[str | None, Query(max_length=20)] = None,
) -> Response:
    """One request: what it asks, in plain words, and the forms to answer it."""
    return _request_page(request, uow, signed, request_id, done=done)


@router.post("/requests/{request_id}/confirm", name="portal_confirm")
def confirm(
    request: Request,
    request_id: uuid.UUID,
    uow: UowDep,
    signed: EmployerSession,
    csrf_token: Token = "",
    version: Version = "",
    note: Text = "",
) -> Response:
    """Confirm the request as shown (If-Match: the version the page showed)."""
    check_form_token(signed, csrf_token)
    return _decide(request, uow, signed, request_id, version, lambda: forms.confirmation(note), form="confirm")


@router.post("/requests/{request_id}/decline", name="portal_decline")
def decline(
    request: Request,
    request_id: uuid.UUID,
    uow: UowDep,
    signed: EmployerSession,
    csrf_token: Token = "",
    version: Version = "",
    reason: Text = "",
) -> Response:
    """Decline the request, saying why."""
    check_form_token(signed, csrf_token)
    return _decide(request, uow, signed, request_id, version, lambda: forms.decline(reason), form="decline")


@router.post("/requests/{request_id}/counter", name="portal_counter")
def counter(
    request: Request,
    request_id: uuid.UUID,
    uow: UowDep,
    signed: EmployerSession,
    csrf_token: Token = "",
    version: Version = "",
    description: Text = "",
    note: Text = "",
    acc_category: Annotated[list[str], Form(max_length=20)] = [],  # noqa: B006 — FastAPI copies defaults
    acc_description: Annotated[list[str], Form(max_length=20)] = [],  # noqa: B006
    offer_schedule: Annotated[str, Form(max_length=10)] = "",
    schedule_start_date: Annotated[str, Form(max_length=20)] = "",
    week: Annotated[list[str], Form(max_length=104)] = [],  # noqa: B006
    hours_per_day: Annotated[list[str], Form(max_length=104)] = [],  # noqa: B006
    days_per_week: Annotated[list[str], Form(max_length=104)] = [],  # noqa: B006
    duties: Annotated[list[str], Form(max_length=104)] = [],  # noqa: B006
) -> Response:
    """Counter-propose: what the employer can offer instead (accommodations; schedule weeks changed, added or
    left out, and another start for week 1)."""
    check_form_token(signed, csrf_token)
    form = forms.CounterForm(
        description=description,
        note=note,
        acc_category=acc_category,
        acc_description=acc_description,
        offer_schedule=bool(offer_schedule),
        schedule_start_date=schedule_start_date,
        week=week,
        hours_per_day=hours_per_day,
        days_per_week=days_per_week,
        duties=duties,
    )
    return _decide(request, uow, signed, request_id, version, lambda: forms.counter(form), form="counter")


def _listing(
    request: Request, uow: UowDep, signed: SignedIn, cursor: str | None, *, statuses: tuple[str, ...], template: str
) -> Response:
    rows, next_cursor = accommodations.list_visible_requests(
        uow=uow,
        principal=signed.principal,
        status=statuses,
        cursor=cursor,
        limit=request.app.state.settings.portal_page_size,
    )
    views = [accommodation_views.present_as(AccommodationView, signed.principal, item, case) for item, case in rows]
    return render(request, template, items=views, next_cursor=next_cursor, first_page=cursor is None)


def _request_page(
    request: Request,
    uow: UowDep,
    signed: SignedIn,
    request_id: uuid.UUID,
    *,
    status: int = 200,
    conflict: ConflictError | None = None,
    **context: object,
) -> Response:
    item, case = accommodations.get_visible_request(uow=uow, principal=signed.principal, request_id=request_id)
    view = accommodation_views.present_as(AccommodationView, signed.principal, item, case)
    standing = view.agreed.schedule if view.agreed else view.schedule  # the chart shows what stands
    bars = wording.schedule_bars([week.model_dump() for week in standing])
    if conflict is not None:  # why it cannot be answered, as it stands now
        title = "Already answered" if view.status in ANSWERED else "No longer open"
        context["refusal"] = Refusal(409, title, f"{conflict.detail[0].upper()}{conflict.detail[1:]}.")
    return render(
        request, "request.html", status, item=view, bars=bars, categories=list(wording.JAN_CATEGORIES), **context
    )


def _decide(
    request: Request,
    uow: UowDep,
    signed: SignedIn,
    request_id: uuid.UUID,
    version: str,
    read_form: Callable[[], DecisionIn],
    *,
    form: str,
) -> Response:
    """Apply a decision read from a form; a bad form, a second answer or a stale page shows the request again."""
    try:
        decision = read_form()
        accommodations.decide(
            uow=uow, principal=signed.principal, request_id=request_id, data=decision, if_match=f'"{version}"'
        )
    except forms.FormError as invalid:
        return _request_page(request, uow, signed, request_id, status=422, problems=invalid.problems, open_form=form)
    except (ConflictError, PreconditionFailedError) as refused:
        # The refusal came before any change: the request as this transaction locked it is as it stands now.
        if isinstance(refused, PreconditionFailedError):
            stale = Refusal(412, "Changed meanwhile", STALE)
            return _request_page(request, uow, signed, request_id, status=412, refusal=stale)
        return _request_page(request, uow, signed, request_id, status=409, conflict=refused)
    return RedirectResponse(f"/portal/requests/{request_id}?done={decision.decision}", status_code=303)


def _sign_in_failed(request: Request, reason: str) -> Response:
    detail = f"Signing in did not work: {reason} Please sign in again."
    return render(request, "error.html", 400, refusal=Refusal(400, "Signing in did not work", detail), sign_in=True)
