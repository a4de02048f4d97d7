"""HTTP endpoints for accommodation requests: thin — parse, authorize via policy, call the
service, shape the view."""

from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import APIRouter, Body, Query, Response

from rtw_shared.auth import CurrentPrincipal, Employer, Therapist
from rtw_shared.concurrency import IfMatch, set_etag
from rtw_shared.web import UowDep

from . import examples, service, views
from .schemas import AccommodationList, AccommodationStatusView, AccommodationView, DecisionIn, Status

router = APIRouter(prefix="/v1/accommodations", tags=["accommodations"])


@router.get("", response_model=AccommodationList)
def list_requests(
    principal: CurrentPrincipal,
    uow: UowDep,
    status_filter: Annotated[Status | None, Query(alias="status")] = None,
    case_id: Annotated[uuid.UUID | None, Query(description="one case's requests")] = None,
    cursor: Annotated[str | None, Query(max_length=200)] = None,
    limit: Annotated[int, Query(ge=1, le=200)] = 50,
) -> AccommodationList:
    """The requests the caller may see (`?case_id=` for one case's), in the caller's role's view."""
    views.require_view_model(principal)
    rows, next_cursor = service.list_visible_requests(
        uow=uow, principal=principal, status=status_filter, cursor=cursor, limit=limit, case_id=case_id
    )
    return AccommodationList(
        items=[views.present(principal, request, case) for request, case in rows], next_cursor=next_cursor
    )


@router.get("/{request_id}", response_model=AccommodationView | AccommodationStatusView)
def get_request(
    request_id: uuid.UUID, principal: CurrentPrincipal, uow: UowDep, response: Response
) -> AccommodationView | AccommodationStatusView:
    """One request, in the caller's role's view; its ETag is what a decision's If-Match names."""
    views.require_view_model(principal)
    request, case = service.get_visible_request(uow=uow, principal=principal, request_id=request_id)
    set_etag(response, request.version)
    return views.present(principal, request, case)


@router.post("/{request_id}/decision", response_model=AccommodationView)
def decide(
    request_id: uuid.UUID,
    body: Annotated[DecisionIn, Body(openapi_examples=examples.DECIDE)],
    principal: Employer,
    uow: UowDep,
    response: Response,
    if_match: IfMatch = None,
) -> AccommodationView:
    """Confirm, decline or counter a request of your organisation (once: it must still be requested).
    Send the ETag you read as If-Match: 412 if someone answered or the request was withdrawn since."""
    request, case = service.decide(uow=uow, principal=principal, request_id=request_id, data=body, if_match=if_match)
    set_etag(response, request.version)
    return views.present_as(AccommodationView, principal, request, case)


@router.post("/{request_id}/counter/accept", response_model=AccommodationView)
def accept_counter(
    request_id: uuid.UUID, principal: Therapist, uow: UowDep, response: Response, if_match: IfMatch = None
) -> AccommodationView:
    """Accept the employer's counter-proposal on a request of your clinic's case: it becomes confirmed,
    with the counter as what was agreed (`agreement_sha256`). 409 unless it is countered; to answer
    with something else instead, publish a revised plan (a new request replaces this one)."""
    request, case = service.accept_counter(uow=uow, principal=principal, request_id=request_id, if_match=if_match)
    set_etag(response, request.version)
    return views.present_as(AccommodationView, principal, request, case)
