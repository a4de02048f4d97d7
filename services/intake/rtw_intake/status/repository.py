"""Every query of the status projection's own table."""

from __future__ import annotations

import uuid

from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.orm import Session

from .models import CaseStatusProjection


def get(session: Session, case_id: uuid.UUID) -> CaseStatusProjection | None:
    """The case's status projection row (None until another service reported something)."""
    return session.get(CaseStatusProjection, case_id)


def projection_for_update(session: Session, case_id: uuid.UUID) -> CaseStatusProjection:
    """The case's projection row, created when missing, locked until the transaction ends.

    Insert-if-absent first: consumers of two topics may reach a new case at once."""
    session.execute(pg_insert(CaseStatusProjection).values(case_id=case_id).on_conflict_do_nothing())
    row = session.get(CaseStatusProjection, case_id, with_for_update=True, populate_existing=True)
    assert row is not None  # inserted above if it was missing; nothing deletes projection rows
    return row
