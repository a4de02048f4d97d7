"""Inbox use cases. Each takes a Unit of Work and commits it at most once."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime

from rtw_shared.auth import Principal
from rtw_shared.errors import NotFoundError
from rtw_shared.pagination import decode_cursor, page
from rtw_shared.uow import UnitOfWork

from .. import policy
from ..cases import repository as cases
from . import repository
from .models import Notification


def list_inbox(
    *, uow: UnitOfWork, principal: Principal, unread: bool, cursor: str | None, limit: int
) -> tuple[list[Notification], str | None]:
    """One page of the caller's notifications, newest first, and the cursor of the next page."""
    rows = repository.list_inbox(
        uow.session,
        condition=policy.inbox_filter(principal),
        unread=unread,
        after=decode_cursor(cursor),
        limit=limit + 1,
    )
    shown, next_cursor = page(rows, limit, key=lambda row: (row[0].created_at, row[0].id))
    # The query already applied the same rule; asking per row notes exactly the returned cases for the audit row.
    return [n for n, case in shown if policy.may_read(principal, n, case)], next_cursor


def mark_read(*, uow: UnitOfWork, principal: Principal, notification_id: uuid.UUID) -> Notification:
    """Mark one of the caller's notifications read (the first read time is kept); 404 if not theirs."""
    notification = repository.get(uow.session, notification_id, for_update=True)
    case = cases.get(uow.session, notification.case_id) if notification else None
    if notification is None or not policy.may_read(principal, notification, case):
        raise NotFoundError(f"notification {notification_id} not found")
    if notification.read_at is None:
        notification.read_at = datetime.now(UTC)
    uow.session.flush()  # updated_at, before the object leaves the transaction
    uow.session.refresh(notification)
    uow.commit()
    return notification
