"""Every query intake makes about assessments."""

from __future__ import annotations

import uuid

from sqlalchemy import func, select
from sqlalchemy.orm import Session, aliased

from .models import Assessment


def for_case(session: Session, case_id: uuid.UUID) -> list[Assessment]:
    """The case's assessments, oldest first."""
    return list(
        session.scalars(
            select(Assessment)
            .where(Assessment.case_id == case_id)
            .order_by(Assessment.assessed_on, Assessment.created_at)
        )
    )


def latest_with_counts(session: Session, case_ids: list[uuid.UUID]) -> list[tuple[Assessment, int]]:
    """Each case's newest assessment (by date) and how many it has; cases without any are absent."""
    if not case_ids:
        return []
    newest_first = (Assessment.assessed_on.desc(), Assessment.created_at.desc())
    ranked = (
        select(
            Assessment,
            func.count().over(partition_by=Assessment.case_id).label("count"),
            func.row_number().over(partition_by=Assessment.case_id, order_by=newest_first).label("rank"),
        )
        .where(Assessment.case_id.in_(case_ids))
        .subquery()
    )
    latest = aliased(Assessment, ranked)
    return [
        (assessment, count)
        for assessment, count in session.execute(select(latest, ranked.c.count).where(ranked.c.rank == 1)).all()
    ]
