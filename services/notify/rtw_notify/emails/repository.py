"""Every query notify makes about outgoing email."""

from __future__ import annotations

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from .models import PENDING, OutgoingEmail


def claim_due(session: Session, *, limit: int) -> list[OutgoingEmail]:
    """Lock up to `limit` pending emails that are due; rows another sender holds are skipped."""
    query = (
        select(OutgoingEmail)
        .where(OutgoingEmail.status == PENDING, OutgoingEmail.next_attempt_at <= func.now())
        .order_by(OutgoingEmail.next_attempt_at)
        .limit(limit)
        .with_for_update(skip_locked=True)
    )
    return list(session.scalars(query))
