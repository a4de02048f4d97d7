"""Every query notify makes about notifications."""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import ColumnElement, select, tuple_
from sqlalchemy.orm import Session

from .models import Notification


def get(session: Session, notification_id: uuid.UUID, *, for_update: bool = False) -> Notification | None:
    return session.get(Notification, notification_id, with_for_update=for_update)


def list_inbox(session: Session, *, addressed_to: ColumnElement[bool], unread: bool,
               after: tuple[datetime, uuid.UUID] | None, limit: int) -> list[Notification]:
    """Notifications matching `addressed_to`, newest first, keyset-paginated."""
    query = select(Notification).where(addressed_to)
    if unread:
        query = query.where(Notification.read_at.is_(None))
    if after:
        query = query.where(tuple_(Notification.created_at, Notification.id) < tuple_(*after))
    query = query.order_by(Notification.created_at.desc(), Notification.id.desc()).limit(limit)
    return list(session.scalars(query))
