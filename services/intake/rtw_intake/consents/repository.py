"""Every query intake makes about consent history."""

from __future__ import annotations

import uuid

from sqlalchemy import select
from sqlalchemy.orm import Session

from rtw_shared.auth import Principal

from .models import ConsentChange


def add(
    session: Session, *, case_id: uuid.UUID, consent: str, granted: bool, evidence: str | None, principal: Principal
) -> ConsentChange:
    """Append one grant or withdrawal by `principal` (in the caller's transaction)."""
    change = ConsentChange(
        case_id=case_id,
        consent=consent,
        granted=granted,
        evidence=evidence,
        changed_by_subject=principal.subject,
        changed_by_username=principal.username,
    )
    session.add(change)
    return change


def history(session: Session, case_id: uuid.UUID) -> list[ConsentChange]:
    """Every grant and withdrawal of the case's consents, oldest first."""
    return list(
        session.scalars(select(ConsentChange).where(ConsentChange.case_id == case_id).order_by(ConsentChange.id))
    )
