"""The history of the worker's consents: one row per grant or withdrawal, never changed afterwards
(the application role may only append to it). The current value lives on the case (Case.share_*)."""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import BigInteger, Boolean, CheckConstraint, DateTime, ForeignKey, Index, String, func
from sqlalchemy.dialects.postgresql import UUID
from sqlalchemy.orm import Mapped, mapped_column

from ..db import Base

EVIDENCE_MAX_CHARS = 500


class ConsentChange(Base):
    __tablename__ = "case_consents"

    id: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=True)
    case_id: Mapped[uuid.UUID] = mapped_column(UUID(as_uuid=True), ForeignKey("cases.id"))
    consent: Mapped[str] = mapped_column(String(64))
    granted: Mapped[bool] = mapped_column(Boolean)
    # What the worker's decision rests on, e.g. "signed form WD-12" (never shown outside the clinic).
    evidence: Mapped[str | None] = mapped_column(String(EVIDENCE_MAX_CHARS))
    changed_by_subject: Mapped[str] = mapped_column(String(64))
    changed_by_username: Mapped[str] = mapped_column(String(255))
    changed_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())

    __table_args__ = (
        CheckConstraint(
            "consent IN ('share_restrictions_with_employer', 'share_status_with_insurer')", name="consent_known"
        ),
        Index("ix_case_consents_case", "case_id", "id"),
    )
