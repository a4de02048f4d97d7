"""Inbox use cases. Each takes a Unit of Work and commits it at most once. Read state is the
caller's own: marking a notification read does not read it for the rest of their organisation."""

from __future__ import annotations

import uuid
from datetime import datetime

from rtw_shared.auth import Principal
from rtw_shared.errors import NotFoundError
from rtw_shared.pagination import decode_cursor, page
from rtw_shared.uow import UnitOfWork

from .. import policy
from ..cases import repository as cases
from ..cases.models import CaseCopy
from . import repository
from .models import Notification
from .schemas import NotificationRead


def list_inbox(
    *, uow: UnitOfWork, principal: Principal, unread: bool, cursor: str | None, limit: int
) -> tuple[list[NotificationRead], str | None]:
    """One page of the caller's notifications, newest first, and the cursor of the next page."""
    rows = repository.list_inbox(
        uow.session,
        condition=policy.inbox_filter(principal, Notification.__table__.c, CaseCopy),
        reader=principal.subject,
        unread=unread,
        after=decode_cursor(cursor),
        limit=limit + 1,
    )
    shown, next_cursor = page(rows, limit, key=lambda row: (row[0].created_at, row[0].id))
    # The query already applied the same rule; asking per row notes exactly the returned cases for the audit row.
    items = [_view(n, read_at) for n, case, read_at in shown if policy.may_read(principal, n, case)]
    return items, next_cursor


def mark_read(*, uow: UnitOfWork, principal: Principal, notification_id: uuid.UUID) -> NotificationRead:
    """Mark one of the caller's notifications read for the caller (the first read time is kept); 404 if not theirs."""
    notification = repository.get(uow.session, notification_id)
    case = cases.get(uow.session, notification.case_id) if notification and notification.case_id else None
    if notification is None or not policy.may_read(principal, notification, case):
        raise NotFoundError(f"notification {notification_id} not found")
    read_at = repository.mark_read(uow.session, notification_id, principal.subject)
    view = _view(notification, read_at)
    uow.commit()
    return view


def _view(notification: Notification, read_at: datetime | None) -> NotificationRead:
    view = NotificationRead.model_validate(notification)
    return view.model_copy(update={"read_at": read_at})
