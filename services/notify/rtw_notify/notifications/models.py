"""An in-app notification: one line in someone's inbox.

Addressed either to one person (`recipient_user_id`, their token subject) or to everyone of a
role in an organisation (`recipient_org_id` + `recipient_role`, e.g. acme's employers), because
events name organisations, and notify does not keep a directory of their people. Whether it was
read is recorded per person (`NotificationRead`): one employer reading it does not read it for the
rest of the organisation. A notification about no case (a webhook disabled) has no `case_id`."""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import DateTime, ForeignKey, Index, String, Text, func
from sqlalchemy.dialects.postgresql import UUID
from sqlalchemy.orm import Mapped, mapped_column

from ..db import Base


class Notification(Base):
    __tablename__ = "notifications"

    id: Mapped[uuid.UUID] = mapped_column(UUID(as_uuid=True), primary_key=True, default=uuid.uuid4)
    recipient_user_id: Mapped[str | None] = mapped_column(String(64))
    recipient_org_id: Mapped[str | None] = mapped_column(String(64))
    recipient_role: Mapped[str | None] = mapped_column(String(32))
    kind: Mapped[str] = mapped_column(String(64))
    title: Mapped[str] = mapped_column(String(200))
    body: Mapped[str] = mapped_column(Text, default="")
    case_id: Mapped[uuid.UUID | None] = mapped_column(UUID(as_uuid=True))
    # The part of the case it tells of (rtw_shared.access.Part): shown only while the reader may see it.
    part: Mapped[str] = mapped_column(String(16), default="case", server_default="case")
    accommodation_id: Mapped[uuid.UUID | None] = mapped_column(UUID(as_uuid=True))
    trigger_event_id: Mapped[uuid.UUID] = mapped_column(UUID(as_uuid=True))
    trigger_event_type: Mapped[str] = mapped_column(String(200))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())
    updated_at: Mapped[datetime] = mapped_column(
        DateTime(timezone=True), server_default=func.now(), onupdate=func.now()
    )

    __table_args__ = (
        Index("ix_notifications_user", "recipient_user_id", "created_at"),
        Index("ix_notifications_org_role", "recipient_org_id", "recipient_role", "created_at"),
    )


class NotificationRead(Base):
    """That one person (token subject) has read one notification, and when they first did."""

    __tablename__ = "notification_reads"

    notification_id: Mapped[uuid.UUID] = mapped_column(
        UUID(as_uuid=True), ForeignKey("notifications.id"), primary_key=True
    )
    subject: Mapped[str] = mapped_column(String(64), primary_key=True)
    read_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())
