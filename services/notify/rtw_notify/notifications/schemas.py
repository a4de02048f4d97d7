"""API schemas for the inbox."""

from __future__ import annotations

import uuid
from datetime import datetime

from pydantic import BaseModel, ConfigDict


class NotificationRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: uuid.UUID
    kind: str
    title: str
    body: str
    case_id: uuid.UUID | None = None  # None: about no case (your organisation's webhook)
    accommodation_id: uuid.UUID | None = None
    recipient_user_id: str | None = None
    recipient_org_id: str | None = None
    recipient_role: str | None = None
    read_at: datetime | None = None  # when YOU read it (None: unread by you)
    created_at: datetime
    updated_at: datetime


class NotificationList(BaseModel):
    items: list[NotificationRead]
    next_cursor: str | None = None
