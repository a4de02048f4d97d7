"""Every query about the treatment record: the session log, reviews and progression decisions."""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import select, tuple_
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from .models import ProgressionDecision, Review, SessionRevision, TreatmentSession


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


def session_by_idempotency_key(session: Session, case_id: uuid.UUID, key: str) -> TreatmentSession | None:
    """The session a POST with this Idempotency-Key made for the case, if any."""
    query = select(TreatmentSession).where(TreatmentSession.case_id == case_id, TreatmentSession.idempotency_key == key)
    return session.scalars(query).first()


def add_session(session: Session, row: TreatmentSession, first: SessionRevision) -> bool:
    """Insert a session and its first revision; False (nothing written) when a concurrent POST with the
    same Idempotency-Key got there first."""
    try:
        with session.begin_nested():
            session.add(row)
            session.flush()
            session.add(first)
            session.flush()
    except IntegrityError:
        return False
    return True


def add_session_revision(session: Session, revision: SessionRevision) -> None:
    """Append a correction (the table is append-only for the application role)."""
    session.add(revision)
    session.flush()


def get_session(session: Session, session_id: uuid.UUID, *, for_update: bool = False) -> TreatmentSession | None:
    """One session; `for_update` locks it so two corrections apply one after the other."""
    return session.get(TreatmentSession, session_id, with_for_update=for_update or None, populate_existing=for_update)


def session_revisions(session: Session, session_id: uuid.UUID) -> list[SessionRevision]:
    """Every revision of a session, first to last."""
    query = select(SessionRevision).where(SessionRevision.session_id == session_id).order_by(SessionRevision.revision)
    return list(session.scalars(query))


def sessions_of_case(session: Session, case_id: uuid.UUID) -> list[TreatmentSession]:
    """Every session of the case (all plan versions), by date then recording order."""
    query = (
        select(TreatmentSession)
        .where(TreatmentSession.case_id == case_id)
        .order_by(TreatmentSession.session_date, TreatmentSession.created_at, TreatmentSession.id)
    )
    return list(session.scalars(query))


def session_page_of_case(
    session: Session, case_id: uuid.UUID, *, after: tuple[datetime, uuid.UUID] | None, limit: int
) -> list[TreatmentSession]:
    """Sessions of the case, most recently recorded first, keyset-paginated on (created_at, id)."""
    query = select(TreatmentSession).where(TreatmentSession.case_id == case_id)
    if after:
        query = query.where(tuple_(TreatmentSession.created_at, TreatmentSession.id) < tuple_(*after))
    query = query.order_by(TreatmentSession.created_at.desc(), TreatmentSession.id.desc()).limit(limit)
    return list(session.scalars(query))
