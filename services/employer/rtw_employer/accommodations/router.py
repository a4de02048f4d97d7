"""HTTP endpoints for accommodation requests: thin — parse, authorize via policy, call the
service, shape the view."""

from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import APIRouter, Header, Query, Response

from rtw_shared.auth import CurrentPrincipal, Employer, Principal
from rtw_shared.errors import ForbiddenError, UnprocessableError
from rtw_shared.web import UowDep

from .. import policy
from . import service
from .schemas import AccommodationList, AccommodationStatusView, AccommodationView, DecisionIn, Status

router = APIRouter(prefix="/v1/accommodations", tags=["accommodations"])


def _view_model(principal: Principal):
    view = policy.view_model(principal)
    if view is None:
        raise ForbiddenError("your role does not read accommodation requests")
    return view


@router.get("", response_model=AccommodationList)
def list_requests(principal: CurrentPrincipal, uow: UowDep,
                  status_filter: Annotated[Status | None, Query(alias="status")] = None,
                  cursor: Annotated[str | None, Query(max_length=200)] = None,
                  limit: Annotated[int, Query(ge=1, le=200)] = 50):
    """The requests the caller may see, in the caller's role's view."""
    view = _view_model(principal)
    rows, next_cursor = service.list_visible_requests(uow=uow, principal=principal, status=status_filter,
                                                      cursor=cursor, limit=limit)
    return AccommodationList(items=[view.of(request, case) for request, case in rows], next_cursor=next_cursor)


@router.get("/{request_id}", response_model=AccommodationView | AccommodationStatusView)
def get_request(request_id: uuid.UUID, principal: CurrentPrincipal, uow: UowDep, response: Response):
    """One request, in the caller's role's view."""
    view = _view_model(principal)
    request, case = service.get_visible_request(uow=uow, principal=principal, request_id=request_id)
    response.headers["ETag"] = f'"{request.version}"'
    return view.of(request, case)


@router.post("/{request_id}/decision", response_model=AccommodationView)
def decide(request_id: uuid.UUID, body: DecisionIn, principal: Employer, uow: UowDep, response: Response,
           if_match: Annotated[str | None, Header()] = None):
    """Confirm, decline or counter a request of your organisation (once: it must still be requested)."""
    request, case = service.decide(uow=uow, principal=principal, request_id=request_id, data=body,
                                   if_match=_version(if_match))
    response.headers["ETag"] = f'"{request.version}"'
    return AccommodationView.of(request, case)


def _version(if_match: str | None) -> int | None:
    """The version an If-Match header names (`"3"`, `W/"3"` or `*`)."""
    if if_match is None or if_match.strip() == "*":
        return None
    try:
        return int(if_match.strip().removeprefix("W/").strip('"'))
    except ValueError as error:
        raise UnprocessableError('If-Match: give the ETag this API returned, e.g. "1"') from error
