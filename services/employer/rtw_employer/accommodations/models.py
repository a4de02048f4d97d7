"""The accommodation request: what a published plan asks of the employer, and its answer."""

from __future__ import annotations

import uuid
from datetime import date, datetime
from typing import Any

from sqlalchemy import Date, DateTime, Index, Integer, String, Text, UniqueConstraint, func
from sqlalchemy.dialects.postgresql import JSONB, UUID
from sqlalchemy.orm import Mapped, mapped_column

from ..db import Base


class AccommodationRequest(Base):
    __tablename__ = "accommodation_requests"
    # One request per published plan version: a redelivered `plan.published` creates nothing new.
    __table_args__ = (
        UniqueConstraint("plan_id", "plan_version", name="uq_accommodation_requests_plan_version"),
        Index("ix_accommodation_requests_updated", "updated_at", "id"),  # the list's keyset order
    )

    id: Mapped[uuid.UUID] = mapped_column(UUID(as_uuid=True), primary_key=True, default=uuid.uuid4)
    case_id: Mapped[uuid.UUID] = mapped_column(UUID(as_uuid=True), index=True)
    employer_org_id: Mapped[str] = mapped_column(String(64), index=True)
    plan_id: Mapped[uuid.UUID] = mapped_column(UUID(as_uuid=True))
    plan_version: Mapped[int] = mapped_column(Integer)
    restrictions: Mapped[list[dict[str, Any]]] = mapped_column(JSONB)
    schedule: Mapped[list[dict[str, Any]]] = mapped_column(JSONB)
    accommodations: Mapped[list[dict[str, Any]]] = mapped_column(JSONB)
    due_date: Mapped[date] = mapped_column(Date)
    status: Mapped[str] = mapped_column(String(32))
    decided_by: Mapped[str | None] = mapped_column(String(64))
    decided_by_username: Mapped[str | None] = mapped_column(String(255))
    decided_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    note: Mapped[str | None] = mapped_column(Text)
    counter: Mapped[dict[str, Any] | None] = mapped_column(JSONB)
    attestation_sha256: Mapped[str | None] = mapped_column(String(64))
    # The therapist accepted the employer's counter-proposal: the request is confirmed with the
    # counter as what was agreed, and `agreement_sha256` attests the request and that counter together.
    counter_accepted_by: Mapped[str | None] = mapped_column(String(64))
    counter_accepted_by_username: Mapped[str | None] = mapped_column(String(255))
    counter_accepted_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    agreement_sha256: Mapped[str | None] = mapped_column(String(64))
    # Why a request can no longer be decided (its case was withdrawn or closed, or a newer version of
    # the plan replaced it): told to whoever tries.
    withdrawn_reason: Mapped[str | None] = mapped_column(Text)
    # The day week 1 of the requested schedule begins (the plan's `schedule_start_date`; null: not known).
    schedule_start_date: Mapped[date | None] = mapped_column(Date)
    # The plan version that put an accepted counter-proposal into effect (its `agreed_accommodation_id`
    # names this request), and what it says: from then on, what stands.
    agreed_plan_id: Mapped[uuid.UUID | None] = mapped_column(UUID(as_uuid=True))
    agreed_plan_version: Mapped[int | None] = mapped_column(Integer)
    agreed_schedule_start_date: Mapped[date | None] = mapped_column(Date)
    agreed_schedule: Mapped[list[dict[str, Any]] | None] = mapped_column(JSONB)
    agreed_accommodations: Mapped[list[dict[str, Any]] | None] = mapped_column(JSONB)
    version: Mapped[int] = mapped_column(Integer, default=1)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())
    updated_at: Mapped[datetime] = mapped_column(
        DateTime(timezone=True), server_default=func.now(), onupdate=func.now()
    )

    __mapper_args__ = {"version_id_col": version}


class PlanVersionSeen(Base):
    """A published version of a case's plan, as employer heard of it. A case has one plan, its versions
    numbered from 1 (each version has a plan id of its own): the newest version seen decides, whatever
    order the publications arrive in — a late copy of an older one opens nothing."""

    __tablename__ = "plan_versions_seen"

    case_id: Mapped[uuid.UUID] = mapped_column(UUID(as_uuid=True), primary_key=True)
    version: Mapped[int] = mapped_column(Integer, primary_key=True)
    plan_id: Mapped[uuid.UUID] = mapped_column(UUID(as_uuid=True))
    # Set when the version is what the therapist and the employer agreed (an accepted counter-proposal).
    agreed_accommodation_id: Mapped[uuid.UUID | None] = mapped_column(UUID(as_uuid=True))
    published_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())
