"""Every query about reviews and progression decisions."""

from __future__ import annotations

import uuid

from sqlalchemy import select
from sqlalchemy.orm import Session

from .models import ProgressionDecision, Review


def add(session: Session, row: Review | ProgressionDecision) -> None:
    """Append a review or a decision (both tables are append-only for the application role)."""
    session.add(row)
    session.flush()


def reviews_of_case(session: Session, case_id: uuid.UUID) -> list[Review]:
    """The case's reviews, oldest first."""
    query = select(Review).where(Review.case_id == case_id).order_by(Review.review_date, Review.created_at)
    return list(session.scalars(query))


def decisions_of_case(session: Session, case_id: uuid.UUID) -> list[ProgressionDecision]:
    """The case's progression decisions, oldest first."""
    query = (
        select(ProgressionDecision)
        .where(ProgressionDecision.case_id == case_id)
        .order_by(ProgressionDecision.created_at, ProgressionDecision.id)
    )
    return list(session.scalars(query))
