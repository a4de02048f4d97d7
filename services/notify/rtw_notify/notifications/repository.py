"""Every query notify makes about notifications and who has read them."""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import ColumnElement, and_, select, tuple_
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.orm import Session

from ..cases.models import CaseCopy
from .models import Notification, NotificationRead


def get(session: Session, notification_id: uuid.UUID) -> Notification | None:
    return session.get(Notification, notification_id)


def list_inbox(
    session: Session,
    *,
    condition: ColumnElement[bool],
    reader: str,
    unread: bool,
    after: tuple[datetime, uuid.UUID] | None,
    limit: int,
) -> list[tuple[Notification, CaseCopy | None, datetime | None]]:
    """Notifications matching `condition` (over them and their case copies, outer-joined: a notification
    about no case has none) with those copies and when `reader` read each; newest first, keyset-paginated."""
    read = and_(NotificationRead.notification_id == Notification.id, NotificationRead.subject == reader)
    query = (
        select(Notification, CaseCopy, NotificationRead.read_at)
        .outerjoin(CaseCopy, CaseCopy.case_id == Notification.case_id)
        .outerjoin(NotificationRead, read)
        .where(condition)
    )
    if unread:
        query = query.where(NotificationRead.read_at.is_(None))
    if after:
        query = query.where(tuple_(Notification.created_at, Notification.id) < tuple_(*after))
    query = query.order_by(Notification.created_at.desc(), Notification.id.desc()).limit(limit)
    return [(notification, case, read_at) for notification, case, read_at in session.execute(query)]


def mark_read(session: Session, notification_id: uuid.UUID, reader: str) -> datetime:
    """Record that `reader` read the notification (the first time is kept); when they first did."""
    session.execute(
        pg_insert(NotificationRead).values(notification_id=notification_id, subject=reader).on_conflict_do_nothing()
    )
    return session.get_one(NotificationRead, (notification_id, reader)).read_at
