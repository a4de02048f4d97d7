"""Every query workplan makes about its case copies."""

from __future__ import annotations

import uuid

from sqlalchemy import update
from sqlalchemy.orm import Session

from .models import CaseCopy


def get(session: Session, case_id: uuid.UUID) -> CaseCopy | None:
    """The copy as the database has it now (re-read: a Core upsert may just have changed it)."""
    return session.get(CaseCopy, case_id, populate_existing=True)


def keep_job(session: Session, case_id: uuid.UUID, job: dict) -> None:
    """Store what the job demands. A job never changes after intake, so whichever snapshot won, the
    `case.created` that carries it sets it (and a late or repeated one sets the same)."""
    session.execute(update(CaseCopy).where(CaseCopy.case_id == case_id).values(job=job))
