"""The plan: one row per version of a case's plan. A published version is immutable; a revision
is a new version (a new row), so what an employer or insurer was sent never changes under them.

Who may see or edit a plan follows from its case (workplan's case copy), never from columns of
its own: one source of truth for the organisations and the worker's consents."""

from __future__ import annotations

import uuid
from datetime import date, datetime
from typing import Any

from sqlalchemy import (
    CheckConstraint,
    Date,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    Numeric,
    String,
    UniqueConstraint,
    func,
    text,
)
from sqlalchemy.dialects.postgresql import JSONB, UUID
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..cases.models import CaseCopy
from ..db import Base

# `superseded`: a published version a newer published version replaced (still readable, no longer in force).
STATUSES = ("draft", "published", "superseded", "completed", "cancelled")
# The statuses a plan is still in force with: ending its case cancels it.
OPEN_STATUSES = ("draft", "published")
EMPTY_CONTENT: dict[str, list[dict[str, Any]]] = {
    "goals": [],
    "phases": [],
    "schedule": [],
    "restrictions": [],
    "accommodations": [],
}


class Plan(Base):
    __tablename__ = "plans"
    __table_args__ = (
        UniqueConstraint("case_id", "version", name="uq_plans_case_id_version"),
        CheckConstraint(f"status IN {STATUSES}", name="status"),
        CheckConstraint("version >= 1", name="version"),
        Index("ix_plans_created", "created_at", "id"),  # the list's keyset order
        # One plan version per agreed counter-proposal, however often the agreement is announced.
        Index(
            "uq_plans_agreed_accommodation_id",
            "agreed_accommodation_id",
            unique=True,
            postgresql_where=text("agreed_accommodation_id IS NOT NULL"),
        ),
    )

    id: Mapped[uuid.UUID] = mapped_column(UUID(as_uuid=True), primary_key=True, default=uuid.uuid4)
    case_id: Mapped[uuid.UUID] = mapped_column(UUID(as_uuid=True), ForeignKey("cases.case_id"), index=True)
    version: Mapped[int] = mapped_column(Integer)
    status: Mapped[str] = mapped_column(String(16))
    # The row's version for optimistic concurrency (ETag / If-Match), bumped by every UPDATE.
    # Not `version`: that is the plan's own version number (1, 2, … as it is revised).
    revision: Mapped[int] = mapped_column(Integer, server_default=text("1"))
    # goals, phases, schedule, restrictions, accommodations: always replaced whole (PUT), never patched.
    content: Mapped[dict[str, Any]] = mapped_column(JSONB)
    # Fixed at publication, so the figures the insurer was sent stay the figures shown.
    projected_rtw_date: Mapped[date | None] = mapped_column(Date)
    projected_cost: Mapped[float | None] = mapped_column(Numeric(12, 2))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())
    updated_at: Mapped[datetime] = mapped_column(
        DateTime(timezone=True), server_default=func.now(), onupdate=func.now()
    )
    published_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    # Fixed at publication: week 1 of the phases, week 1 of the graduated schedule, the next review.
    therapy_start_date: Mapped[date | None] = mapped_column(Date)
    schedule_start_date: Mapped[date | None] = mapped_column(Date)
    next_review_date: Mapped[date | None] = mapped_column(Date)
    projected_readiness_date: Mapped[date | None] = mapped_column(Date)
    # The version this one revises, and which parts of the content differ from it.
    # Checked at commit: a draft that moves up a version is rebased on the version inserted after it
    # (publication/agreement.py), so it may name that version a moment before it exists.
    previous_plan_id: Mapped[uuid.UUID | None] = mapped_column(
        UUID(as_uuid=True), ForeignKey("plans.id", deferrable=True, initially="DEFERRED")
    )
    changes: Mapped[list[str] | None] = mapped_column(JSONB)
    # The clinical warnings acknowledged to publish it: [{code, field, message, acknowledged_by,
    # acknowledged_by_username, acknowledged_at, acknowledged_on_version}] (`acknowledged_by`: who published
    # it, from before each warning said who acknowledged it).
    acknowledged_warnings: Mapped[list[dict[str, Any]] | None] = mapped_column(JSONB)
    acknowledged_by: Mapped[str | None] = mapped_column(String(64))
    # Who published it: the therapist's subject, or "accepted counter-proposal <accommodation id>".
    published_by: Mapped[str | None] = mapped_column(String(100))
    # The assessment the plan starts from (intake's `case.assessed`): a first draft follows the case's latest
    # until it is published; a revision keeps its version's. Progress starts from it.
    baseline: Mapped[dict[str, Any] | None] = mapped_column(JSONB)
    # What the case gave this draft ({goals, restrictions}): a part still equal to it was not edited by the
    # therapist, and follows the case when the case changes (plans/seeding.py). Null: follows nothing.
    seed: Mapped[dict[str, Any] | None] = mapped_column(JSONB)
    # The accommodation request whose counter-proposal, accepted by the therapist, this version is.
    agreed_accommodation_id: Mapped[uuid.UUID | None] = mapped_column(UUID(as_uuid=True))
    # When and why it stopped being in force (superseded, completed, cancelled).
    ended_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    end_reason: Mapped[str | None] = mapped_column(String(500))

    # Loaded with the plan by every query (repository.py): each read authorizes against it.
    case: Mapped[CaseCopy] = relationship(lazy="raise")

    __mapper_args__ = {"version_id_col": revision}


class AccommodationRequest(Base):
    """The employer's request for one published version (`accommodation.requested`): which version an
    accommodation decision answers."""

    __tablename__ = "accommodation_requests"

    accommodation_id: Mapped[uuid.UUID] = mapped_column(UUID(as_uuid=True), primary_key=True)
    case_id: Mapped[uuid.UUID] = mapped_column(UUID(as_uuid=True), index=True)
    plan_id: Mapped[uuid.UUID] = mapped_column(UUID(as_uuid=True))
    plan_version: Mapped[int] = mapped_column(Integer)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())
