"""Every query notify makes about its case copies."""

from __future__ import annotations

import uuid

from sqlalchemy.orm import Session

from .models import CaseCopy


class CaseNotKnownError(LookupError):
    """An event names a case whose `case.created` has not been applied here (yet)."""


def get(session: Session, case_id: uuid.UUID) -> CaseCopy | None:
    return session.get(CaseCopy, case_id)


def require(session: Session, case_id: uuid.UUID) -> CaseCopy:
    """The case copy; raising lets the consumer retry, then dead-letter the event."""
    case = get(session, case_id)
    if case is None:
        raise CaseNotKnownError(f"case {case_id} is not known to notify (case.created not applied)")
    return case
