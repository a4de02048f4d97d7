"""The insurer's one-call status: a projection kept current from other services' events, so a
read is one row, never a fan-out."""

from __future__ import annotations

import uuid
from datetime import date, datetime

from sqlalchemy import Date, DateTime, ForeignKey, Integer, Numeric, String, func
from sqlalchemy.dialects.postgresql import UUID
from sqlalchemy.orm import Mapped, mapped_column

from ..db import Base


class CaseStatusProjection(Base):
    __tablename__ = "case_status"

    case_id: Mapped[uuid.UUID] = mapped_column(UUID(as_uuid=True), ForeignKey("cases.id"), primary_key=True)
    plan_id: Mapped[uuid.UUID | None] = mapped_column(UUID(as_uuid=True))
    plan_status: Mapped[str | None] = mapped_column(String(32))
    plan_version: Mapped[int | None] = mapped_column(Integer)
    adherence: Mapped[float | None] = mapped_column(Numeric(5, 4))
    job_match: Mapped[float | None] = mapped_column(Numeric(5, 4))
    accommodation_id: Mapped[uuid.UUID | None] = mapped_column(UUID(as_uuid=True))
    accommodation_status: Mapped[str | None] = mapped_column(String(32))
    projected_rtw_date: Mapped[date | None] = mapped_column(Date)
    projected_cost: Mapped[float | None] = mapped_column(Numeric(12, 2))
    actual_cost: Mapped[float | None] = mapped_column(Numeric(12, 2))
    # From workplan's progress events: when the worker is projected ready, and when the applied
    # progress was computed (an older one arriving late changes nothing).
    projected_readiness_date: Mapped[date | None] = mapped_column(Date)
    progress_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    updated_at: Mapped[datetime] = mapped_column(
        DateTime(timezone=True), server_default=func.now(), onupdate=func.now()
    )
