"""HTTP endpoints for the worker's consents: the therapists of the case's clinic only."""

from __future__ import annotations

import uuid

from fastapi import APIRouter, Response

from rtw_shared.auth import Therapist
from rtw_shared.concurrency import IfMatch, set_etag
from rtw_shared.web import UowDep

from . import service
from .schemas import CaseConsentsView, ConsentsUpdate

router = APIRouter(prefix="/v1/cases/{case_id}/consents", tags=["consents"])


@router.get("", response_model=CaseConsentsView)
def read_consents(case_id: uuid.UUID, principal: Therapist, uow: UowDep, response: Response) -> CaseConsentsView:
    """Each consent: granted or withdrawn, by whom, when, on what evidence; and every change before."""
    view = service.read_consents(uow=uow, principal=principal, case_id=case_id)
    set_etag(response, view.version)
    return view


@router.put("", response_model=CaseConsentsView)
def change_consents(
    case_id: uuid.UUID,
    body: ConsentsUpdate,
    principal: Therapist,
    uow: UowDep,
    response: Response,
    if_match: IfMatch = None,
) -> CaseConsentsView:
    """Record the worker granting or withdrawing one or both consents (If-Match: the case's ETag)."""
    view = service.change_consents(
        uow=uow, principal=principal, case_id=case_id, decisions=body.decisions(), if_match=if_match
    )
    set_etag(response, view.version)
    return view
