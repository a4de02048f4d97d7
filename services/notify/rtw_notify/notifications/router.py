"""HTTP endpoints for the inbox: thin — parse, call the service (which applies the policy), shape the view."""

from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import APIRouter, Query

from rtw_shared.auth import CurrentPrincipal
from rtw_shared.web import UowDep

from . import service
from .schemas import NotificationList, NotificationRead

router = APIRouter(prefix="/v1/notifications", tags=["notifications"])


@router.get("", response_model=NotificationList)
def list_notifications(
    principal: CurrentPrincipal,
    uow: UowDep,
    unread: Annotated[bool, Query(description="true: only what you have not read")] = False,
    cursor: Annotated[str | None, Query(max_length=200)] = None,
    limit: Annotated[int, Query(ge=1, le=200)] = 50,
) -> NotificationList:
    """The caller's inbox: addressed to them, or to their organisation in their role, about cases they may see
    (the worker's consents included); newest first."""
    rows, next_cursor = service.list_inbox(uow=uow, principal=principal, unread=unread, cursor=cursor, limit=limit)
    return NotificationList(items=rows, next_cursor=next_cursor)


@router.post("/{notification_id}/read", response_model=NotificationRead)
def mark_notification_read(notification_id: uuid.UUID, principal: CurrentPrincipal, uow: UowDep) -> NotificationRead:
    """Mark one of your notifications read — for you only. Anyone else's, or one about a case hidden
    from you, is 404."""
    return service.mark_read(uow=uow, principal=principal, notification_id=notification_id)
