"""HTTP endpoints for cases and their timeline: thin — parse, authorize via policy, call the service,
shape the view."""

from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import APIRouter, Body, Query, Response, status

from rtw_shared.auth import CurrentPrincipal, Therapist
from rtw_shared.concurrency import IfMatch, etag, set_etag
from rtw_shared.responses import model_response
from rtw_shared.types import Timestamp
from rtw_shared.web import UowDep

from .. import policy
from ..organisations.realm import DirectoryDep
from ..timeline import service as timeline
from ..timeline.schemas import Timeline
from . import examples, service, views
from .schemas import CaseCreate, CaseList, CaseTherapistView, CaseView, RestrictionsReplace, TransitionIn
from .vocabulary import CaseStatus

router = APIRouter(prefix="/v1/cases", tags=["cases"])
# A case's timeline: read through the case (the timeline package beneath only records and lists entries).
timeline_router = APIRouter(prefix="/v1/cases/{case_id}/timeline", tags=["timeline"])


@router.post("", status_code=status.HTTP_201_CREATED, response_model=CaseTherapistView)
def create_case(
    body: Annotated[CaseCreate, Body(openapi_examples=examples.CREATE_CASE)],
    principal: Therapist,
    uow: UowDep,
    directory: DirectoryDep,
) -> Response:
    """Open a case: the caller's clinic and the caller become its clinic and assigned therapist. Its
    insurer and employer must be organisations of the directory (422), its claim new to the insurer (409)."""
    case = service.create_case(uow=uow, principal=principal, data=body, directory=directory)
    headers = {"ETag": etag(case.version), "Location": f"/v1/cases/{case.id}"}
    return model_response(CaseTherapistView.model_validate(case), status_code=status.HTTP_201_CREATED, headers=headers)


@router.get("", response_model=CaseList)
def list_cases(
    principal: CurrentPrincipal,
    uow: UowDep,
    status_filter: Annotated[CaseStatus | None, Query(alias="status")] = None,
    updated_since: Annotated[
        Timestamp | None, Query(description="only cases in which something the caller can see changed since then")
    ] = None,
    claim_number: Annotated[
        str | None,
        Query(min_length=1, max_length=64, description="the insurer's claim number, exactly (therapists, insurers)"),
    ] = None,
    reference: Annotated[
        str | None, Query(max_length=32, pattern=r"^RTW-\d{4}-\d{6,}$", description="the case's reference, exactly")
    ] = None,
    q: Annotated[
        str | None,
        Query(
            min_length=1,
            max_length=100,
            description="search: part of the worker's name (any case), or the claim number or reference exactly "
            "(therapists, insurers)",
        ),
    ] = None,
    mine: Annotated[bool, Query(description="true: only the cases assigned to you (a therapist's own)")] = False,
    cursor: Annotated[str | None, Query(max_length=200)] = None,
    limit: Annotated[int, Query(ge=1, le=200)] = 50,
) -> CaseList:
    """The cases the caller may see, in the caller's role's view, most recently changed first; a claim
    number or a reference finds that case among them, `q` searches names, claim numbers and references."""
    policy.require_case_reader(principal)
    cases, next_cursor = service.list_visible_cases(
        uow=uow,
        principal=principal,
        status=status_filter,
        updated_since=updated_since,
        cursor=cursor,
        limit=limit,
        claim_number=claim_number,
        reference=reference,
        search=q,
        assigned_to=principal.subject if mine else None,
    )
    return CaseList(items=views.render_many(uow, principal, cases), next_cursor=next_cursor)


@router.get("/{case_id}", response_model=CaseView)
def get_case(case_id: uuid.UUID, principal: CurrentPrincipal, uow: UowDep, response: Response) -> CaseView:
    """The caller's role's view of one case."""
    policy.require_case_reader(principal)
    case = service.get_visible_case(uow=uow, principal=principal, case_id=case_id)
    set_etag(response, case.version)
    return views.render(uow, principal, case)


@router.post("/{case_id}/transitions", response_model=CaseTherapistView)
def transition_case(
    case_id: uuid.UUID,
    body: TransitionIn,
    principal: Therapist,
    uow: UowDep,
    response: Response,
    if_match: IfMatch = None,
) -> CaseTherapistView:
    """Move the case to another status (409 with the reason when the move is not allowed)."""
    case = service.transition_case(
        uow=uow, principal=principal, case_id=case_id, to=body.to, reason=body.reason, if_match=if_match
    )
    set_etag(response, case.version)
    return CaseTherapistView.model_validate(case)


@router.put("/{case_id}/restrictions", response_model=CaseTherapistView)
def replace_restrictions(
    case_id: uuid.UUID,
    body: RestrictionsReplace,
    principal: Therapist,
    uow: UowDep,
    response: Response,
    if_match: IfMatch = None,
) -> CaseTherapistView:
    """Replace the case's restrictions (demand, limit, frequency, start, review date, end)."""
    case = service.replace_restrictions(
        uow=uow, principal=principal, case_id=case_id, restrictions=body.restrictions, if_match=if_match
    )
    set_etag(response, case.version)
    return CaseTherapistView.model_validate(case)


@timeline_router.get("", response_model=Timeline)
def get_timeline(case_id: uuid.UUID, principal: CurrentPrincipal, uow: UowDep) -> Timeline:
    """Every recorded change of the case, oldest first."""
    policy.require_timeline_reader(principal)
    case = service.get_visible_case(uow=uow, principal=principal, case_id=case_id)
    return Timeline(items=timeline.entries(uow=uow, case_id=case.id))
