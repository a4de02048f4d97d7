"""Every query workplan makes about plans."""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import select, tuple_
from sqlalchemy.orm import Session

from .models import Plan


def get(session: Session, plan_id: uuid.UUID, *, for_update: bool = False) -> Plan | None:
    """One plan; `for_update` locks its row so concurrent edits and publication apply one at a time."""
    return session.get(Plan, plan_id, with_for_update=for_update or None, populate_existing=for_update)


def latest_for_case(session: Session, case_id: uuid.UUID) -> Plan | None:
    """The case's highest plan version, if it has any."""
    query = select(Plan).where(Plan.case_id == case_id).order_by(Plan.version.desc()).limit(1)
    return session.scalars(query).first()


def list_for_tenant(session: Session, *, tenant_field: str, org_id: str, case_id: uuid.UUID | None,
                    after: tuple[datetime, uuid.UUID] | None, limit: int) -> list[Plan]:
    """Plans of one organisation, newest first, keyset-paginated on (created_at, id)."""
    query = select(Plan).where(getattr(Plan, tenant_field) == org_id)
    if case_id:
        query = query.where(Plan.case_id == case_id)
    if after:
        query = query.where(tuple_(Plan.created_at, Plan.id) < tuple_(*after))
    query = query.order_by(Plan.created_at.desc(), Plan.id.desc()).limit(limit)
    return list(session.scalars(query))
