"""HTTP endpoints for the audit log: thin — parse, call the service (which applies the audit policy), shape."""

from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import APIRouter, Query

from rtw_shared.auth import CurrentPrincipal
from rtw_shared.web import UowDep

from . import service
from .schemas import AuditEntryView, AuditPage, ChainReport

router = APIRouter(prefix="/v1/audit", tags=["audit"])


@router.get("", response_model=AuditPage)
def list_audit(principal: CurrentPrincipal, uow: UowDep, case_id: uuid.UUID | None = None,
               cursor: Annotated[str | None, Query(max_length=200)] = None,
               limit: Annotated[int, Query(ge=1, le=200)] = 50):
    """Audit rows newest first: all of them for an administrator, a therapist's own actions for a therapist."""
    rows, next_cursor = service.list_entries(uow=uow, principal=principal, case_id=case_id, cursor=cursor,
                                             limit=limit)
    return AuditPage(items=[AuditEntryView.model_validate(r) for r in rows], next_cursor=next_cursor)


@router.get("/verify", response_model=ChainReport)
def verify_audit(principal: CurrentPrincipal, uow: UowDep):
    """Check the whole hash chain (administrators): intact, or the first row that was tampered with."""
    return service.verify_chain(conn=uow.session, principal=principal)
