"""What the audit row of the request in progress should say beyond what the middleware sees:
the cases the request touched. The middleware opens a record per request; the shared access
decision (rtw_shared.access) and creates note case ids into it. A plain ContextVar holding a
mutable record: FastAPI runs sync endpoints in a copied context, which still shares the record.

The record also lets the request's own transaction carry its audit row: the middleware gives it the
statements that append the row as the route answers when it succeeds, and the Unit of Work's commit
runs them in the same round trip (rtw_shared.uow), then notes the status the row was written with."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from contextvars import ContextVar
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from .db import Statement

MAX_CASES_PER_ROW = 500  # a list page is at most 200; anything beyond is cut, and the cut is counted


@dataclass
class AuditNote:
    case_ids: list[str] = field(default_factory=list)
    dropped: int = 0
    # The statements appending this request's row as answered with the status returned beside them
    # (set by the audit middleware), and the status a row was so written with in a committed transaction.
    row_statements: Callable[[], tuple[list[Statement], int]] | None = None
    written_with: int | None = None

    def add(self, case_id: uuid.UUID | str) -> None:
        value = str(case_id)
        if value in self.case_ids:
            return
        if len(self.case_ids) >= MAX_CASES_PER_ROW:
            self.dropped += 1
            return
        self.case_ids.append(value)


_note: ContextVar[AuditNote | None] = ContextVar("audit_note", default=None)


def open_note() -> AuditNote:
    """Start the record of the request in progress (the audit middleware does this)."""
    note = AuditNote()
    _note.set(note)
    return note


def current_note() -> AuditNote | None:
    """The record of the request in progress (None outside a request, e.g. in a worker)."""
    return _note.get()


def note_case(case_id: uuid.UUID | str) -> None:
    """Record that the request in progress read or wrote case `case_id` (no-op outside a request)."""
    note = _note.get()
    if note is not None:
        note.add(case_id)
