"""Workplan's copy of a case: who is involved, built from intake's `case.created`. Plans copy
these organisations again so each read authorizes from the plan row alone."""

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
    clinic_org_id: Mapped[str] = mapped_column(String(64))
    therapist_id: Mapped[str] = mapped_column(String(64))
    employer_org_id: Mapped[str] = mapped_column(String(64))
    insurer_org_id: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())
