"""Audit use cases: append a row to the chain, read a page of it, check the whole chain."""

from __future__ import annotations

import base64
import uuid
from collections.abc import Mapping
from typing import Any

from sqlalchemy.engine import Engine

from rtw_shared.auth import Principal
from rtw_shared.errors import ForbiddenError, UnprocessableError
from rtw_shared.uow import UnitOfWork

from . import chain, repository
from .models import AuditEntry
from .policy import audit_scope
from .schemas import ChainReport

CURSOR_PREFIX = "audit:"


def record(*, engine: Engine, content: Mapping[str, Any]) -> int:
    """Append one row in its own short transaction: the request's transaction may have rolled back."""
    with engine.begin() as conn:
        return repository.append(conn, content)


def list_entries(*, uow: UnitOfWork, principal: Principal, case_id: uuid.UUID | None, cursor: str | None,
                 limit: int) -> tuple[list[AuditEntry], str | None]:
    """One page of the rows the caller may read, newest first, and the cursor of the next page."""
    scope = audit_scope(principal)
    rows = repository.newest_first(uow.session, subject=scope.subject, case_id=str(case_id) if case_id else None,
                                   before_id=_decode_cursor(cursor), limit=limit + 1)
    if len(rows) <= limit:
        return rows, None
    return rows[:limit], _encode_cursor(rows[limit - 1].id)


def verify_chain(*, conn, principal: Principal | None = None) -> ChainReport:
    """Check every row's hash and link; `principal` None means a trusted operator (the CLI)."""
    # Verifying reads every row, so it needs the right to read the whole log.
    if principal is not None and not audit_scope(principal).whole_log:
        raise ForbiddenError("only administrators verify the audit log")
    broken, count = chain.find_break(repository.chain_rows(conn))
    if broken is None:
        return ChainReport(intact=True, rows=count)
    return ChainReport(intact=False, rows=count, first_broken_id=broken.row_id, reason=broken.reason)


def _encode_cursor(row_id: int) -> str:
    return base64.urlsafe_b64encode(f"{CURSOR_PREFIX}{row_id}".encode()).decode()


def _decode_cursor(cursor: str | None) -> int | None:
    if not cursor:
        return None
    try:
        decoded = base64.urlsafe_b64decode(cursor.encode()).decode()
        if not decoded.startswith(CURSOR_PREFIX):
            raise ValueError(cursor)
        return int(decoded.removeprefix(CURSOR_PREFIX))
    except (ValueError, UnicodeDecodeError) as error:
        raise UnprocessableError("cursor: not a cursor this API returned", field="cursor") from error
