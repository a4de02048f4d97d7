"""An assessment: measured capacities on the demand scale, grip, pain and COPM."""

from __future__ import annotations

import uuid
from datetime import date, datetime

from sqlalchemy import Date, DateTime, ForeignKey, Integer, Numeric, String, func
from sqlalchemy.dialects.postgresql import JSONB, UUID
from sqlalchemy.orm import Mapped, mapped_column

from ..db import Base


class Assessment(Base):
    __tablename__ = "assessments"

    id: Mapped[uuid.UUID] = mapped_column(UUID(as_uuid=True), primary_key=True, default=uuid.uuid4)
    case_id: Mapped[uuid.UUID] = mapped_column(UUID(as_uuid=True), ForeignKey("cases.id"), index=True)
    assessed_on: Mapped[date] = mapped_column(Date)
    capacities: Mapped[list] = mapped_column(JSONB)
    grip_trials_kg: Mapped[dict | None] = mapped_column(JSONB)
    # Grip is recorded as three trials per hand; the mean is what clinicians compare.
    grip_kg_left: Mapped[float | None] = mapped_column(Numeric(6, 2))
    grip_kg_right: Mapped[float | None] = mapped_column(Numeric(6, 2))
    pain_nrs: Mapped[int | None] = mapped_column(Integer)
    copm: Mapped[list] = mapped_column(JSONB)
    recorded_by: Mapped[str] = mapped_column(String(255))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())
