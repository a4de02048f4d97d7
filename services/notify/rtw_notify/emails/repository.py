"""Every query notify makes about outgoing email."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from .models import PENDING, OutgoingEmail


def claim_due(session: Session, *, now: datetime, limit: int) -> list[OutgoingEmail]:
    """Lock up to `limit` pending emails due by `now`; rows another sender holds are skipped."""
    query = (
        select(OutgoingEmail)
        .where(OutgoingEmail.status == PENDING, OutgoingEmail.next_attempt_at <= now)
        .order_by(OutgoingEmail.next_attempt_at)
        .limit(limit)
        .with_for_update(skip_locked=True)
    )
    return list(session.scalars(query))
