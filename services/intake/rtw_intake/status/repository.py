"""Every query of the status projection's own table."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal

from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.orm import Session

from rtw_shared.db import fetch

from .models import CaseStatusProjection


def get(session: Session, case_id: uuid.UUID) -> CaseStatusProjection | None:
    """The case's status projection row (None until another service reported something)."""
    return session.get(CaseStatusProjection, case_id)


@dataclass(frozen=True)
class CaseWithStatus:
    """What the insurer's status read needs of a case (its parties, as rtw_shared.access reads them)
    and of its projection row (None-valued until another service reported something)."""

    id: uuid.UUID
    reference: str
    claim_number: str | None
    status: str
    changed_at: datetime
    clinic_org_id: str
    employer_org_id: str
    insurer_org_id: str
    share_restrictions_with_employer: bool
    share_status_with_insurer: bool
    plan_status: str | None
    plan_version: int | None
    adherence: Decimal | None
    job_match: Decimal | None
    accommodation_status: str | None
    projected_rtw_date: date | None
    projected_readiness_date: date | None
    projected_cost: Decimal | None
    actual_cost: Decimal | None


# One statement for the hot read (make bench), columns in CaseWithStatus's order.
CASE_WITH_STATUS = """
SELECT c.id, c.reference, c.claim ->> 'claim_number', c.status, c.changed_at, c.clinic_org_id, c.employer_org_id,
       c.insurer_org_id, c.share_restrictions_with_employer, c.share_status_with_insurer, s.plan_status,
       s.plan_version, s.adherence, s.job_match, s.accommodation_status, s.projected_rtw_date,
       s.projected_readiness_date, s.projected_cost, s.actual_cost
FROM cases c LEFT JOIN case_status s ON s.case_id = c.id
WHERE c.id = %(case_id)s
"""


def case_with_status(session: Session, case_id: uuid.UUID) -> CaseWithStatus | None:
    """The case and its projection row in one query; None when intake has no such case."""
    rows = fetch(session, (CASE_WITH_STATUS, {"case_id": case_id}))
    return CaseWithStatus(*rows[0]) if rows else None


def projection_for_update(session: Session, case_id: uuid.UUID) -> CaseStatusProjection:
    """The case's projection row, created when missing, locked until the transaction ends.

    Insert-if-absent first: consumers of two topics may reach a new case at once."""
    session.execute(pg_insert(CaseStatusProjection).values(case_id=case_id).on_conflict_do_nothing())
    row = session.get(CaseStatusProjection, case_id, with_for_update=True, populate_existing=True)
    assert row is not None  # inserted above if it was missing; nothing deletes projection rows
    return row
