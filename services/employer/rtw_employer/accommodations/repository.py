"""Every query employer makes about accommodation requests."""

from __future__ import annotations

import uuid
from collections.abc import Collection
from datetime import datetime
from typing import Any

from sqlalchemy import ColumnElement, and_, func, or_, select, tuple_
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.orm import Session

from rtw_shared import access
from rtw_shared.access import Part
from rtw_shared.auth import Principal

from ..cases.models import CaseCopy
from .models import AccommodationRequest

# Requests still awaiting an answer: a case that ends withdraws them.
OPEN_STATUSES = ("requested", "countered")


def get(session: Session, request_id: uuid.UUID, *, for_update: bool = False) -> AccommodationRequest | None:
    """One request by id (None: no such request)."""
    # FOR UPDATE when deciding: two decisions on one request queue up, and the second sees the first.
    return session.get(AccommodationRequest, request_id, with_for_update=for_update)


def case_copy(session: Session, case_id: uuid.UUID) -> CaseCopy | None:
    """The copy of a request's case (None: intake's events for it have not arrived yet)."""
    return session.get(CaseCopy, case_id)


def insert_once(session: Session, values: dict[str, Any]) -> bool:
    """Insert a request; False when one exists for that plan version already.

    ON CONFLICT DO NOTHING: the same plan version published twice (a redelivery under a new event
    id, or two consumers racing) yields one request and one announcement."""
    created = session.execute(
        pg_insert(AccommodationRequest)
        .values(**values)
        .on_conflict_do_nothing(index_elements=["plan_id", "plan_version"])
        .returning(AccommodationRequest.id)
    ).first()
    return created is not None


def open_requests(session: Session, case_id: uuid.UUID) -> list[AccommodationRequest]:
    """The case's requests awaiting an answer, locked (a decision in flight finishes first, or waits)."""
    query = (
        select(AccommodationRequest)
        .where(AccommodationRequest.case_id == case_id, AccommodationRequest.status.in_(OPEN_STATUSES))
        .order_by(AccommodationRequest.created_at, AccommodationRequest.id)
        .with_for_update()
    )
    return list(session.scalars(query))


def open_requests_of_plan(session: Session, plan_id: uuid.UUID, *, before_version: int) -> list[AccommodationRequest]:
    """The plan's requests of versions before `before_version` still awaiting an answer, locked."""
    query = (
        select(AccommodationRequest)
        .where(
            AccommodationRequest.plan_id == plan_id,
            AccommodationRequest.plan_version < before_version,
            AccommodationRequest.status.in_(OPEN_STATUSES),
        )
        .order_by(AccommodationRequest.plan_version)
        .with_for_update()
    )
    return list(session.scalars(query))


def newest_plan_version(session: Session, plan_id: uuid.UUID) -> int:
    """The newest version of the plan that opened a request (0: none yet)."""
    query = select(func.coalesce(func.max(AccommodationRequest.plan_version), 0)).where(
        AccommodationRequest.plan_id == plan_id
    )
    return int(session.scalar(query) or 0)


def visible_to(principal: Principal) -> ColumnElement[bool]:
    """SQL for the requests rtw_shared.access lets a role's organisation see (Part.ACCOMMODATION), so a
    page holds what the caller may see; access.visible still decides (and audits) every row returned."""
    on_copy = access.sql_condition(principal, CaseCopy, Part.ACCOMMODATION)
    if access.reading_role(principal) != "employer":
        return on_copy  # a therapist or insurer is matched on the case copy only
    # An employer is matched on what the request is addressed to (indexed) and, before employer has
    # the case's copy, on that alone (policy.parties_of: consents unknown, so nothing beyond the request).
    return and_(AccommodationRequest.employer_org_id == principal.org_id, or_(CaseCopy.case_id.is_(None), on_copy))


def list_visible(
    session: Session,
    *,
    principal: Principal,
    status: str | Collection[str] | None,
    after: tuple[datetime, uuid.UUID] | None,
    limit: int,
) -> list[tuple[AccommodationRequest, CaseCopy | None]]:
    """Requests (with their case copy) a role's organisation may see, newest change first, keyset-paginated;
    `status` one status or several."""
    query = (
        select(AccommodationRequest, CaseCopy)
        .outerjoin(CaseCopy, CaseCopy.case_id == AccommodationRequest.case_id)
        .where(visible_to(principal))
    )
    if status:
        query = query.where(AccommodationRequest.status.in_([status] if isinstance(status, str) else list(status)))
    if after:
        query = query.where(tuple_(AccommodationRequest.updated_at, AccommodationRequest.id) < tuple_(*after))
    query = query.order_by(AccommodationRequest.updated_at.desc(), AccommodationRequest.id.desc()).limit(limit)
    return [(row[0], row[1]) for row in session.execute(query)]
