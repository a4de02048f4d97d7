"""Every query on a case's timeline."""

from __future__ import annotations

import uuid

from sqlalchemy import select
from sqlalchemy.orm import Session

from .models import TimelineEntry


def add(session: Session, entry: TimelineEntry) -> None:
    session.add(entry)


def for_case(session: Session, case_id: uuid.UUID) -> list[TimelineEntry]:
    """Every entry of the case, oldest first."""
    return list(
        session.scalars(select(TimelineEntry).where(TimelineEntry.case_id == case_id).order_by(TimelineEntry.id))
    )
