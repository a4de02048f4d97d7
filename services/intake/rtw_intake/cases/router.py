"""HTTP endpoints for cases: thin — parse, authorize via policy, call the service, shape the view."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Annotated

from fastapi import APIRouter, Query, Response, status

from rtw_shared.auth import CurrentPrincipal, Therapist
from rtw_shared.errors import ForbiddenError
from rtw_shared.web import UowDep

from .. import policy
from ..status.schemas import CaseStatusView
from . import service
from .schemas import CaseCreate, CaseList, CaseTherapistView, CaseView

router = APIRouter(prefix="/v1/cases", tags=["cases"])


@router.post("", status_code=status.HTTP_201_CREATED, response_model=CaseTherapistView)
def create_case(body: CaseCreate, principal: Therapist, uow: UowDep, response: Response):
    """Open a case: the caller's clinic and the caller become its clinic and assigned therapist."""
    case = service.create_case(uow=uow, principal=principal, data=body)
    response.headers["ETag"] = f'"{case.version}"'
    response.headers["Location"] = f"/v1/cases/{case.id}"
    return CaseTherapistView.model_validate(case)


@router.get("", response_model=CaseList)
def list_cases(principal: CurrentPrincipal, uow: UowDep,
               status_filter: Annotated[str | None, Query(alias="status", max_length=32)] = None,
               updated_since: datetime | None = None,
               cursor: Annotated[str | None, Query(max_length=200)] = None,
               limit: Annotated[int, Query(ge=1, le=200)] = 50):
    """The cases the caller may see, in the caller's role's view."""
    view = policy.view_model(principal)
    if view is None:
        raise ForbiddenError("your role does not read cases")
    cases, next_cursor = service.list_visible_cases(uow=uow, principal=principal, status=status_filter,
                                                    updated_since=updated_since, cursor=cursor, limit=limit)
    return CaseList(items=[view.model_validate(c) for c in cases], next_cursor=next_cursor)


@router.get("/{case_id}", response_model=CaseView)
def get_case(case_id: uuid.UUID, principal: CurrentPrincipal, uow: UowDep, response: Response):
    view = policy.view_model(principal)
    if view is None:
        raise ForbiddenError("your role does not read cases")
    case = service.get_visible_case(uow=uow, principal=principal, case_id=case_id)
    response.headers["ETag"] = f'"{case.version}"'
    return view.model_validate(case)


@router.get("/{case_id}/status", response_model=CaseStatusView)
def get_case_status(case_id: uuid.UUID, principal: CurrentPrincipal, uow: UowDep):
    """The insurer's one-call answer: status, plan, accommodation, projected return date, cost."""
    if not principal.has_role(*policy.STATUS_READERS):
        raise ForbiddenError("only therapists and insurers read case status")
    return service.case_status(uow=uow, principal=principal, case_id=case_id)
