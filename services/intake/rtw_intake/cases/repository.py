"""Every query intake makes about cases."""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import select, tuple_
from sqlalchemy.orm import Session

from ..status.models import CaseStatusProjection
from .models import Case, reference_sequence


def get(session: Session, case_id: uuid.UUID, *, for_update: bool = False) -> Case | None:
    """The case by id; `for_update` locks its row until the transaction ends (writes)."""
    return session.get(Case, case_id, with_for_update=for_update or None)


def next_reference(session: Session, year: int) -> str:
    number = session.execute(reference_sequence.next_value()).scalar_one()
    return f"RTW-{year}-{number:06d}"


def list_for_tenant(session: Session, *, tenant_field: str, org_id: str, status: str | None,
                    updated_since: datetime | None, after: tuple[datetime, uuid.UUID] | None,
                    limit: int) -> list[Case]:
    """Cases of one organisation, newest change first, keyset-paginated."""
    query = select(Case).where(getattr(Case, tenant_field) == org_id)
    if tenant_field == "insurer_org_id":  # the worker's consent gates the insurer (as in policy.can_see)
        query = query.where(Case.consents["share_status_with_insurer"].as_boolean().is_not(False))
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
