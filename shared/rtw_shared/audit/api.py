"""The audit log's HTTP endpoints, served by every service for its own log:
`GET /v1/audit` (an administrator reads all of it, a therapist only their own actions —
docs/domain/access.md) and `GET /v1/audit/verify` (administrators: check the whole chain)."""

from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import APIRouter, Query

from ..auth import CurrentPrincipal
from ..dependencies import StreamingUowDep, UowDep
from .service import AuditPage, ChainReport, audit_page, verify_for

router = APIRouter(prefix="/v1/audit", tags=["audit"])


@router.get("", response_model=AuditPage)
def list_audit(
    principal: CurrentPrincipal,
    uow: UowDep,
    case_id: uuid.UUID | None = None,
    cursor: Annotated[str | None, Query(max_length=200)] = None,
    limit: Annotated[int, Query(ge=1, le=200)] = 50,
) -> AuditPage:
    """This service's audit rows, newest first: all of them for an administrator, a therapist's own actions."""
    return audit_page(uow=uow, principal=principal, case_id=case_id, cursor=cursor, limit=limit)


@router.get("/verify", response_model=ChainReport)
def verify_audit(principal: CurrentPrincipal, uow: StreamingUowDep) -> ChainReport:
    """Check this service's whole hash chain (administrators): intact, or the first row tampered with."""
    return verify_for(uow=uow, principal=principal)
