"""What the therapist records about progress besides sessions: reviews (GAS attainment per goal, COPM
ratings) and the decision on each progression recommendation. Both append-only: a later review or
decision adds a row, never changes one."""

from __future__ import annotations

import uuid
from datetime import date, datetime

from sqlalchemy import Date, DateTime, ForeignKey, Index, Numeric, String, func
from sqlalchemy.dialects.postgresql import JSONB, UUID
from sqlalchemy.orm import Mapped, mapped_column

from ..db import Base


class Review(Base):
    __tablename__ = "reviews"
    __table_args__ = (Index("ix_reviews_case_date", "case_id", "review_date"),)

    id: Mapped[uuid.UUID] = mapped_column(UUID(as_uuid=True), primary_key=True, default=uuid.uuid4)
    case_id: Mapped[uuid.UUID] = mapped_column(UUID(as_uuid=True), ForeignKey("cases.case_id"))
    plan_id: Mapped[uuid.UUID] = mapped_column(UUID(as_uuid=True), ForeignKey("plans.id"))
    review_date: Mapped[date] = mapped_column(Date)
    gas: Mapped[list] = mapped_column(JSONB)  # [{goal, weight, attainment}]
    copm: Mapped[list] = mapped_column(JSONB)  # [{problem, importance, performance, satisfaction}]
    gas_t_score: Mapped[float | None] = mapped_column(Numeric(6, 2))
    recorded_by: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())


class ProgressionDecision(Base):
    __tablename__ = "progression_decisions"
    __table_args__ = (Index("ix_progression_decisions_case", "case_id", "created_at"),)

    id: Mapped[uuid.UUID] = mapped_column(UUID(as_uuid=True), primary_key=True, default=uuid.uuid4)
    case_id: Mapped[uuid.UUID] = mapped_column(UUID(as_uuid=True), ForeignKey("cases.case_id"))
    plan_id: Mapped[uuid.UUID] = mapped_column(UUID(as_uuid=True), ForeignKey("plans.id"))
    session_id: Mapped[uuid.UUID] = mapped_column(UUID(as_uuid=True), ForeignKey("sessions.id"))
    kind: Mapped[str] = mapped_column(String(32))
    demand: Mapped[str | None] = mapped_column(String(32))
    # What the rule recommended (kept even when overridden) …
    recommended: Mapped[str] = mapped_column(String(16))
    recommended_reason: Mapped[str] = mapped_column(String(500))
    recommended_prescription: Mapped[dict] = mapped_column(JSONB)
    # … and what the therapist chose: the next prescription follows it.
    chosen: Mapped[str] = mapped_column(String(16))
    overridden: Mapped[bool]
    reason: Mapped[str | None] = mapped_column(String(1000))
    prescription: Mapped[dict] = mapped_column(JSONB)
    decided_by: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())
