"""The treatment record progress is computed from: the session log, reviews (GAS attainment per goal,
COPM ratings) and the decision on each progression recommendation. sessions/ records and reads the
log through these; progress/ computes the report from all of them.

A session is recorded once and corrected only by new revisions: `session_revisions` is append-only
(the application role may not update or delete its rows), and the session row points at its
current revision, so what was first written stays readable beside every correction. Reviews and
decisions are append-only too: a later one adds a row, never changes one."""

from __future__ import annotations

import uuid
from datetime import date, datetime
from typing import Any

from sqlalchemy import Date, DateTime, ForeignKey, Index, Integer, Numeric, String, UniqueConstraint, func
from sqlalchemy.dialects.postgresql import JSONB, UUID
from sqlalchemy.orm import Mapped, mapped_column

from ..db import Base

ATTENDANCE = ("attended", "cancelled", "no_show")


class TreatmentSession(Base):
    __tablename__ = "sessions"
    __table_args__ = (
        # A retried POST with the same Idempotency-Key finds the session it made.
        UniqueConstraint("case_id", "idempotency_key", name="uq_sessions_case_id_idempotency_key"),
        Index("ix_sessions_case_created", "case_id", "created_at", "id"),  # the list's keyset order
    )

    id: Mapped[uuid.UUID] = mapped_column(UUID(as_uuid=True), primary_key=True, default=uuid.uuid4)
    case_id: Mapped[uuid.UUID] = mapped_column(UUID(as_uuid=True), ForeignKey("cases.case_id"), index=True)
    # The plan version in force when it was logged (the case's later versions count it too).
    plan_id: Mapped[uuid.UUID] = mapped_column(UUID(as_uuid=True), ForeignKey("plans.id"))
    idempotency_key: Mapped[str | None] = mapped_column(String(200))
    # sha256 of the first request's body: the same key with another body is refused.
    request_sha256: Mapped[str] = mapped_column(String(64))
    # The current revision (1 as recorded; each correction adds one): the session's ETag.
    revision: Mapped[int] = mapped_column(Integer)
    session_date: Mapped[date] = mapped_column(Date)
    attendance: Mapped[str] = mapped_column(String(16))
    content: Mapped[dict[str, Any]] = mapped_column(JSONB)  # the current revision's body
    recorded_by: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())
    updated_at: Mapped[datetime] = mapped_column(
        DateTime(timezone=True), server_default=func.now(), onupdate=func.now()
    )


class SessionRevision(Base):
    __tablename__ = "session_revisions"

    session_id: Mapped[uuid.UUID] = mapped_column(UUID(as_uuid=True), ForeignKey("sessions.id"), primary_key=True)
    revision: Mapped[int] = mapped_column(Integer, primary_key=True)
    content: Mapped[dict[str, Any]] = mapped_column(JSONB)
    reason: Mapped[str | None] = mapped_column(String(1000))  # why it was corrected (null for the first)
    recorded_by: Mapped[str] = mapped_column(String(64))
    recorded_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())


class Review(Base):
    __tablename__ = "reviews"
    __table_args__ = (Index("ix_reviews_case_date", "case_id", "review_date"),)

    id: Mapped[uuid.UUID] = mapped_column(UUID(as_uuid=True), primary_key=True, default=uuid.uuid4)
    case_id: Mapped[uuid.UUID] = mapped_column(UUID(as_uuid=True), ForeignKey("cases.case_id"))
    plan_id: Mapped[uuid.UUID] = mapped_column(UUID(as_uuid=True), ForeignKey("plans.id"))
    review_date: Mapped[date] = mapped_column(Date)
    gas: Mapped[list[dict[str, Any]]] = mapped_column(JSONB)  # [{goal_id, goal (its position), weight, attainment}]
    copm: Mapped[list[dict[str, Any]]] = mapped_column(JSONB)  # [{problem, importance, performance, satisfaction}]
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
    # The plan's activity decided on (null for one done without it: then its kind, demand and frequency).
    activity_id: Mapped[uuid.UUID | None] = mapped_column(UUID(as_uuid=True))
    kind: Mapped[str] = mapped_column(String(32))
    demand: Mapped[str | None] = mapped_column(String(32))
    frequency: Mapped[str | None] = mapped_column(String(16))
    # What the rule recommended (kept even when overridden) …
    recommended: Mapped[str] = mapped_column(String(16))
    recommended_reason: Mapped[str] = mapped_column(String(500))
    recommended_prescription: Mapped[dict[str, Any]] = mapped_column(JSONB)
    # … and what the therapist chose: the next prescription follows it.
    chosen: Mapped[str] = mapped_column(String(16))
    overridden: Mapped[bool]
    reason: Mapped[str | None] = mapped_column(String(1000))
    prescription: Mapped[dict[str, Any]] = mapped_column(JSONB)
    decided_by: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())
