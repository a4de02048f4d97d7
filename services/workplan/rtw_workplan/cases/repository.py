"""Every query workplan makes about its case copies."""

from __future__ import annotations

import uuid

from sqlalchemy.orm import Session

from .models import CaseCopy


def get(session: Session, case_id: uuid.UUID) -> CaseCopy | None:
    """The copy as the database has it now (re-read: a Core upsert may just have changed it)."""
    return session.get(CaseCopy, case_id, populate_existing=True)
