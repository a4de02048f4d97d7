"""The employer portal's pages (docs/portal.md): thin, like the API's endpoints. Reads and decisions go
through the same use cases as `/v1/accommodations` (accommodations.service), so the same access
decision, the same If-Match check and the same audit apply. Signing in and out: rtw_shared.webui.signin."""

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
from . import forms, wording
from .pages import PORTAL, EmployerSession, Refusal, SignedIn

router = APIRouter(prefix="/portal", route_class=PORTAL.route_class, include_in_schema=False)
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
    PORTAL.check_form_token(signed, csrf_token)
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
    PORTAL.check_form_token(signed, csrf_token)
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
    PORTAL.check_form_token(signed, csrf_token)
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
    return PORTAL.render(request, template, items=views, next_cursor=next_cursor, first_page=cursor is None)


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
    return PORTAL.render(
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
