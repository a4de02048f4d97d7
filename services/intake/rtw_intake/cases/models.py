"""The case: the root aggregate every other service copies from, with the records that hang off it
and that intake's other concepts build on — the history of the worker's consents (consents/ grants
and withdraws them) and the assessments (assessments/ records them; the insurer's view of the case
summarizes them)."""

from __future__ import annotations

import uuid
from datetime import date, datetime
from typing import Any

from sqlalchemy import (
    BigInteger,
    Boolean,
    CheckConstraint,
    Date,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    Numeric,
    Sequence,
    String,
    func,
    text,
)
from sqlalchemy.dialects.postgresql import JSONB, UUID
from sqlalchemy.orm import Mapped, mapped_column

from ..db import Base
from . import status_machine

# Human reference numbers (RTW-2026-000123) come from this sequence.
reference_sequence = Sequence("case_reference_seq", metadata=Base.metadata)

# The worker's consents, each a boolean column of its own (their history: ConsentChange).
CONSENTS = ("share_restrictions_with_employer", "share_status_with_insurer")
EVIDENCE_MAX_CHARS = 500


class Case(Base):
    __tablename__ = "cases"

    id: Mapped[uuid.UUID] = mapped_column(UUID(as_uuid=True), primary_key=True, default=uuid.uuid4)
    reference: Mapped[str] = mapped_column(String(32), unique=True)
    status: Mapped[str] = mapped_column(String(32))
    # Where an on-hold case resumes to (null unless on hold).
    status_before_hold: Mapped[str | None] = mapped_column(String(32))
    clinic_org_id: Mapped[str] = mapped_column(String(64))
    employer_org_id: Mapped[str] = mapped_column(String(64))
    insurer_org_id: Mapped[str] = mapped_column(String(64))
    therapist_id: Mapped[str] = mapped_column(String(64))
    therapist_username: Mapped[str] = mapped_column(String(255))
    # Every event's case snapshot carries it, so notify can reach the assigned therapist.
    therapist_email: Mapped[str | None] = mapped_column(String(320))
    worker: Mapped[dict[str, Any]] = mapped_column(JSONB)
    claim: Mapped[dict[str, Any]] = mapped_column(JSONB)
    employment: Mapped[dict[str, Any]] = mapped_column(JSONB)
    referral: Mapped[dict[str, Any] | None] = mapped_column(JSONB)
    share_restrictions_with_employer: Mapped[bool] = mapped_column(Boolean, server_default=text("true"))
    share_status_with_insurer: Mapped[bool] = mapped_column(Boolean, server_default=text("true"))
    restrictions: Mapped[list[dict[str, Any]]] = mapped_column(JSONB)
    # Computed from the force demands at intake; shown beside the stated level, never hidden.
    dot_strength_level_computed: Mapped[str | None] = mapped_column(String(16))
    version: Mapped[int] = mapped_column(Integer, default=1)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())
    updated_at: Mapped[datetime] = mapped_column(
        DateTime(timezone=True), server_default=func.now(), onupdate=func.now()
    )
    # When anything a reader of the case can see last changed: the case itself (any ORM update sets it,
    # consents included) or its assessments, plan or accommodation (cases.repository.mark_changed, which
    # leaves `version` alone). `updated_since` and the list order follow it.
    changed_at: Mapped[datetime] = mapped_column(
        DateTime(timezone=True), server_default=func.now(), onupdate=func.now()
    )

    __mapper_args__ = {"version_id_col": version}
    __table_args__ = (
        # One per reading role: the list filters by the caller's organisation and pages by changed_at.
        Index("ix_cases_clinic_changed", "clinic_org_id", "changed_at", "id"),
        Index("ix_cases_employer_changed", "employer_org_id", "changed_at", "id"),
        Index("ix_cases_insurer_changed", "insurer_org_id", "changed_at", "id"),
    )

    @property
    def consents(self) -> dict[str, bool]:
        """The current consents, as the therapist's view has always shown them."""
        return {name: getattr(self, name) for name in CONSENTS}

    @property
    def state(self) -> status_machine.CaseState:
        return status_machine.CaseState(self.status, self.status_before_hold)

    @property
    def dot_strength_mismatch(self) -> bool:
        stated = self.employment.get("dot_strength_level")
        return bool(stated and self.dot_strength_level_computed and stated != self.dot_strength_level_computed)

    @property
    def allowed_moves(self) -> list[str]:
        return status_machine.allowed_moves(self.state)


# The insurer's look-up by its own claim number (GET /v1/cases?claim_number=) and the check that a
# claim is registered once (cases.service.create_case).
Index("ix_cases_insurer_claim", Case.insurer_org_id, Case.claim["claim_number"].astext)


class ConsentChange(Base):
    """The history of the worker's consents: one row per grant or withdrawal, never changed afterwards
    (the application role may only append to it). The current value lives on the case (Case.share_*)."""

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


class Assessment(Base):
    """An assessment: measured capacities on the demand scale, grip, pain and COPM."""

    __tablename__ = "assessments"

    id: Mapped[uuid.UUID] = mapped_column(UUID(as_uuid=True), primary_key=True, default=uuid.uuid4)
    case_id: Mapped[uuid.UUID] = mapped_column(UUID(as_uuid=True), ForeignKey("cases.id"), index=True)
    assessed_on: Mapped[date] = mapped_column(Date)
    capacities: Mapped[list[dict[str, Any]]] = mapped_column(JSONB)
    grip_trials_kg: Mapped[dict[str, list[float]] | None] = mapped_column(JSONB)
    # Grip is recorded as three trials per hand; the mean is what clinicians compare.
    grip_kg_left: Mapped[float | None] = mapped_column(Numeric(6, 2))
    grip_kg_right: Mapped[float | None] = mapped_column(Numeric(6, 2))
    pain_nrs: Mapped[int | None] = mapped_column(Integer)
    copm: Mapped[list[dict[str, Any]]] = mapped_column(JSONB)
    recorded_by: Mapped[str] = mapped_column(String(255))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())
