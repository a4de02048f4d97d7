"""Every query intake makes about cases."""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import select, tuple_
from sqlalchemy.orm import Session

from ..status.models import CaseStatusProjection
from .models import Case, reference_sequence


def get(session: Session, case_id: uuid.UUID) -> Case | None:
    return session.get(Case, case_id)


def next_reference(session: Session, year: int) -> str:
    number = session.execute(reference_sequence.next_value()).scalar_one()
    return f"RTW-{year}-{number:06d}"


def list_for_tenant(session: Session, *, tenant_field: str, org_id: str, status: str | None,
                    updated_since: datetime | None, after: tuple[datetime, uuid.UUID] | None,
                    limit: int) -> list[Case]:
    """Cases of one organisation, newest change first, keyset-paginated."""
    query = select(Case).where(getattr(Case, tenant_field) == org_id)
    if status:
        query = query.where(Case.status == status)
    if updated_since:
        query = query.where(Case.updated_at >= updated_since)
    if after:
        query = query.where(tuple_(Case.updated_at, Case.id) < tuple_(*after))
    query = query.order_by(Case.updated_at.desc(), Case.id.desc()).limit(limit)
    return list(session.scalars(query))


def status_projection(session: Session, case_id: uuid.UUID) -> CaseStatusProjection | None:
    return session.get(CaseStatusProjection, case_id)
