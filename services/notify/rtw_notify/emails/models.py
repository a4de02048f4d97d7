"""An email to send: written as a row in the transaction that decided it (docs/events.md,
"How an event travels" point 4), then sent by the sender loop. The idempotency key names the
email for good — a resend after a crash carries the same Message-ID."""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import DateTime, ForeignKey, Index, Integer, String, Text, func, text
from sqlalchemy.dialects.postgresql import UUID
from sqlalchemy.orm import Mapped, mapped_column

from ..db import Base

PENDING, SENT, FAILED = "pending", "sent", "failed"


class OutgoingEmail(Base):
    __tablename__ = "emails"

    id: Mapped[uuid.UUID] = mapped_column(UUID(as_uuid=True), primary_key=True, default=uuid.uuid4)
    idempotency_key: Mapped[str] = mapped_column(String(200), unique=True)
    notification_id: Mapped[uuid.UUID] = mapped_column(UUID(as_uuid=True), ForeignKey("notifications.id"))
    case_id: Mapped[uuid.UUID | None] = mapped_column(UUID(as_uuid=True))
    # What kind of email this is (each person may turn kinds off); None on rows older than kinds.
    kind: Mapped[str | None] = mapped_column(String(64))
    trigger_event_type: Mapped[str] = mapped_column(String(200))
    recipient: Mapped[str] = mapped_column(String(320))
    subject: Mapped[str] = mapped_column(String(300))
    body: Mapped[str] = mapped_column(Text)  # the text part
    html_body: Mapped[str | None] = mapped_column(Text)  # the HTML part (None on rows older than it)
    status: Mapped[str] = mapped_column(String(16), default=PENDING)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    last_error: Mapped[str | None] = mapped_column(Text)
    next_attempt_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())
    sent_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())
    updated_at: Mapped[datetime] = mapped_column(
        DateTime(timezone=True), server_default=func.now(), onupdate=func.now()
    )

    __table_args__ = (Index("ix_emails_due", "next_attempt_at", postgresql_where=text("status = 'pending'")),)
