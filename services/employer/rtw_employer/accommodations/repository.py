"""Every query employer makes about accommodation requests."""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import select, tuple_
from sqlalchemy.orm import InstrumentedAttribute, Session

from ..cases.models import CaseCopy
from .models import AccommodationRequest


def get(session: Session, request_id: uuid.UUID, *, for_update: bool = False) -> AccommodationRequest | None:
    # FOR UPDATE when deciding: two decisions on one request queue up, and the second sees the first.
    return session.get(AccommodationRequest, request_id, with_for_update=for_update)


def case_copy(session: Session, case_id: uuid.UUID) -> CaseCopy | None:
    return session.get(CaseCopy, case_id)


def list_for_tenant(session: Session, *, tenant_column: InstrumentedAttribute, org_id: str, status: str | None,
                    after: tuple[datetime, uuid.UUID] | None,
                    limit: int) -> list[tuple[AccommodationRequest, CaseCopy | None]]:
    """Requests (with their case copy) of one organisation, newest change first, keyset-paginated."""
    query = (select(AccommodationRequest, CaseCopy)
             .outerjoin(CaseCopy, CaseCopy.case_id == AccommodationRequest.case_id)
             .where(tenant_column == org_id))
    if status:
        query = query.where(AccommodationRequest.status == status)
    if after:
        query = query.where(tuple_(AccommodationRequest.updated_at, AccommodationRequest.id) < tuple_(*after))
    query = query.order_by(AccommodationRequest.updated_at.desc(), AccommodationRequest.id.desc()).limit(limit)
    return [(row[0], row[1]) for row in session.execute(query)]
