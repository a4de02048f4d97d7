"""Employer's copy of a case: who is involved, and what the worker consented to share with the
employer. Built from intake's events, never written through the API."""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import DateTime, String, func
from sqlalchemy.dialects.postgresql import UUID
from sqlalchemy.orm import Mapped, mapped_column

from ..db import Base


class CaseCopy(Base):
    __tablename__ = "case_copies"

    case_id: Mapped[uuid.UUID] = mapped_column(UUID(as_uuid=True), primary_key=True)
    # Nullable throughout: `case.created` and `case.shared_with_employer` may arrive in either order.
    reference: Mapped[str | None] = mapped_column(String(32))
    employer_org_id: Mapped[str | None] = mapped_column(String(64))
    clinic_org_id: Mapped[str | None] = mapped_column(String(64), index=True)
    insurer_org_id: Mapped[str | None] = mapped_column(String(64), index=True)
    worker_name: Mapped[str | None] = mapped_column(String(255))
    job_title: Mapped[str | None] = mapped_column(String(255))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now(),
                                                 onupdate=func.now())
