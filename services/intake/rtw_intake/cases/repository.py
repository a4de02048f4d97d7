"""Every query intake makes about cases."""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import exists, func, select, tuple_, update
from sqlalchemy.orm import Session

from rtw_shared import access
from rtw_shared.access import Part
from rtw_shared.auth import Principal

from ..status.models import CaseStatusProjection
from .models import Case, reference_sequence


def get(session: Session, case_id: uuid.UUID, *, for_update: bool = False) -> Case | None:
    """The case by id; `for_update` locks its row until the transaction ends (writes)."""
    return session.get(Case, case_id, with_for_update=for_update or None)


def has_case(session: Session, case_id: uuid.UUID) -> bool:
    """Whether intake has this case."""
    return bool(session.scalar(select(exists().where(Case.__table__.c.id == case_id))))


def mark_changed(session: Session, case_id: uuid.UUID) -> None:
    """Tell `updated_since` readers that something they see of the case changed elsewhere (its plan,
    accommodation or assessments) — a Core UPDATE, so neither the case's optimistic version nor its
    own updated_at moves."""
    cases = Case.__table__
    session.execute(
        update(cases).where(cases.c.id == case_id).values(changed_at=func.now(), updated_at=cases.c.updated_at)
    )


def next_reference(session: Session, year: int) -> str:
    """The next human reference, e.g. RTW-2026-000123."""
    number = session.execute(reference_sequence.next_value()).scalar_one()
    return f"RTW-{year}-{number:06d}"


def list_visible(
    session: Session,
    *,
    principal: Principal,
    status: str | None,
    changed_since: datetime | None,
    after: tuple[datetime, uuid.UUID] | None,
    limit: int,
) -> list[Case]:
    """Cases the caller may see (the shared decision as SQL: organisation and consent), most recently
    changed first, keyset-paginated on (changed_at, id) — the order of the ix_cases_*_changed indexes."""
    query = select(Case).where(access.sql_condition(principal, Case, Part.CASE))
    if status:
        query = query.where(Case.status == status)
    if changed_since:
        query = query.where(Case.changed_at >= changed_since)
    if after:
        query = query.where(tuple_(Case.changed_at, Case.id) < tuple_(*after))
    query = query.order_by(Case.changed_at.desc(), Case.id.desc()).limit(limit)
    return list(session.scalars(query))


def status_projection(session: Session, case_id: uuid.UUID) -> CaseStatusProjection | None:
    """The case's status projection row (None until another service reported something)."""
    return session.get(CaseStatusProjection, case_id)
