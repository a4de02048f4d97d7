"""Notify's copy of a case: only who is involved and how to reach them, built from
`case.created` (notify never asks intake)."""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import DateTime, String, func
from sqlalchemy.dialects.postgresql import UUID
from sqlalchemy.orm import Mapped, mapped_column

from ..db import Base


class CaseCopy(Base):
    __tablename__ = "cases"

    case_id: Mapped[uuid.UUID] = mapped_column(UUID(as_uuid=True), primary_key=True)
    reference: Mapped[str] = mapped_column(String(32))
    therapist_id: Mapped[str] = mapped_column(String(64))
    therapist_email: Mapped[str | None] = mapped_column(String(320))
    clinic_org_id: Mapped[str] = mapped_column(String(64))
    employer_org_id: Mapped[str] = mapped_column(String(64))
    insurer_org_id: Mapped[str] = mapped_column(String(64))
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now(),
                                                 onupdate=func.now())
