"""Writing and reading a case's timeline."""

from __future__ import annotations

import uuid

from sqlalchemy import select
from sqlalchemy.orm import Session

from .models import TimelineEntry


def record(session: Session, *, case_id: uuid.UUID, kind: str, summary: str, actor: str | None = None,
           data: dict | None = None) -> None:
    """Append one entry (in the caller's transaction)."""
    session.add(TimelineEntry(case_id=case_id, kind=kind, summary=summary, actor=actor, data=data or {}))


def entries(session: Session, case_id: uuid.UUID) -> list[TimelineEntry]:
    return list(session.scalars(select(TimelineEntry).where(TimelineEntry.case_id == case_id)
                                .order_by(TimelineEntry.id)))
