"""Audit use cases: read a page of the log, check the whole chain (the router is api.py)."""

from __future__ import annotations

import uuid
from datetime import datetime

from pydantic import BaseModel, ConfigDict

from ..auth import Principal
from ..errors import ForbiddenError
from ..pagination import decode_id_cursor, encode_id_cursor
from ..uow import UnitOfWork
from . import chain, repository
from .repository import Executor

CURSOR_KIND = "audit"


class AuditEntryView(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    at: datetime
    subject: str | None
    username: str | None
    role: str | None
    org_id: str | None
    action: str
    method: str
    path: str
    resource_type: str
    resource_id: str | None
    case_ids: list[str] | None = None
    correlation_id: str | None = None
    outcome: str
    status_code: int
    prev_hash: str
    hash: str


class AuditPage(BaseModel):
    items: list[AuditEntryView]
    next_cursor: str | None = None


class ChainReport(BaseModel):
    """The result of checking the whole hash chain."""

    intact: bool
    rows: int
    first_broken_id: int | None = None
    reason: str | None = None


def readable_subject(principal: Principal) -> str | None:
    """Whose rows the caller may read: None for all (admin), their own subject (therapist); 403 otherwise."""
    if principal.has_role("admin"):
        return None
    if principal.has_role("therapist"):
        return principal.subject
    raise ForbiddenError("only administrators and therapists read the audit log")


def verify_chain(conn: Executor) -> ChainReport:
    """Check every row's hash and link."""
    broken, count = chain.find_break(repository.chain_rows(conn))
    if broken is None:
        return ChainReport(intact=True, rows=count)
    return ChainReport(intact=False, rows=count, first_broken_id=broken.row_id, reason=broken.reason)


def audit_page(
    *, uow: UnitOfWork, principal: Principal, case_id: uuid.UUID | None, cursor: str | None, limit: int
) -> AuditPage:
    """One page of the rows the caller may read, newest first, and the cursor of the next page."""
    rows = repository.newest_first(
        uow.session,
        subject=readable_subject(principal),
        case_id=str(case_id) if case_id else None,
        before_id=decode_id_cursor(cursor, CURSOR_KIND),
        limit=limit + 1,
    )
    next_cursor = encode_id_cursor(rows[limit - 1]["id"], CURSOR_KIND) if len(rows) > limit else None
    return AuditPage(items=[AuditEntryView.model_validate(dict(r)) for r in rows[:limit]], next_cursor=next_cursor)


def verify_for(*, uow: UnitOfWork, principal: Principal) -> ChainReport:
    """The chain check, for administrators only (it reads every row)."""
    if readable_subject(principal) is not None:
        raise ForbiddenError("only administrators verify the audit log")
    return verify_chain(uow.session)
