"""Every query notify makes about notifications."""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import ColumnElement, select, tuple_
from sqlalchemy.orm import Session

from ..cases.models import CaseCopy
from .models import Notification


def get(session: Session, notification_id: uuid.UUID, *, for_update: bool = False) -> Notification | None:
    return session.get(Notification, notification_id, with_for_update=for_update)


def list_inbox(
    session: Session,
    *,
    condition: ColumnElement[bool],
    unread: bool,
    after: tuple[datetime, uuid.UUID] | None,
    limit: int,
) -> list[tuple[Notification, CaseCopy]]:
    """Notifications matching `condition` (over them and their case copies) with those copies,
    newest first, keyset-paginated. A notification whose case copy is missing is not listed."""
    query = select(Notification, CaseCopy).join(CaseCopy, CaseCopy.case_id == Notification.case_id).where(condition)
    if unread:
        query = query.where(Notification.read_at.is_(None))
    if after:
        query = query.where(tuple_(Notification.created_at, Notification.id) < tuple_(*after))
    query = query.order_by(Notification.created_at.desc(), Notification.id.desc()).limit(limit)
    return [(notification, case) for notification, case in session.execute(query)]
