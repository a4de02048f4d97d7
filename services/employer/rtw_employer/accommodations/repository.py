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
from rtw_shared.events import PlanPublishedV1

from ..cases.models import CaseCopy
from .models import AccommodationRequest, PlanVersionSeen

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


def open_requests(
    session: Session, case_id: uuid.UUID, *, before_version: int | None = None
) -> list[AccommodationRequest]:
    """The case's requests awaiting an answer (of plan versions before `before_version`, when given), locked
    (a decision in flight finishes first, or waits)."""
    query = select(AccommodationRequest).where(
        AccommodationRequest.case_id == case_id, AccommodationRequest.status.in_(OPEN_STATUSES)
    )
    if before_version is not None:
        query = query.where(AccommodationRequest.plan_version < before_version)
    query = query.order_by(AccommodationRequest.plan_version, AccommodationRequest.created_at, AccommodationRequest.id)
    return list(session.scalars(query.with_for_update()))


def has_request_before(session: Session, case_id: uuid.UUID, *, version: int) -> bool:
    """Whether a plan version of the case before `version` opened a request (whatever became of it)."""
    query = select(AccommodationRequest.id).where(
        AccommodationRequest.case_id == case_id, AccommodationRequest.plan_version < version
    )
    return session.execute(query.limit(1)).first() is not None


def newest_version_seen(session: Session, case_id: uuid.UUID) -> int:
    """The newest version of the case's plan employer has seen published (0: none yet)."""
    query = select(func.coalesce(func.max(PlanVersionSeen.version), 0)).where(PlanVersionSeen.case_id == case_id)
    return int(session.scalar(query) or 0)


def remember_version(session: Session, event: PlanPublishedV1) -> None:
    """Note that `event`'s version of the case's plan was published (once: a redelivery changes nothing)."""
    session.execute(
        pg_insert(PlanVersionSeen)
        .values(
            case_id=event.case_id,
            version=event.version,
            plan_id=event.plan_id,
            agreed_accommodation_id=event.agreed_accommodation_id,
            published_at=event.published_at,
        )
        .on_conflict_do_nothing(index_elements=["case_id", "version"])
    )


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
    case_id: uuid.UUID | None = None,
) -> list[tuple[AccommodationRequest, CaseCopy | None]]:
    """Requests (with their case copy) a role's organisation may see, newest change first, keyset-paginated;
    `status` one status or several; `case_id`: one case's."""
    query = (
        select(AccommodationRequest, CaseCopy)
        .outerjoin(CaseCopy, CaseCopy.case_id == AccommodationRequest.case_id)
        .where(visible_to(principal))
    )
    if status:
        query = query.where(AccommodationRequest.status.in_([status] if isinstance(status, str) else list(status)))
    if case_id:
        query = query.where(AccommodationRequest.case_id == case_id)
    if after:
        query = query.where(tuple_(AccommodationRequest.updated_at, AccommodationRequest.id) < tuple_(*after))
    query = query.order_by(AccommodationRequest.updated_at.desc(), AccommodationRequest.id.desc()).limit(limit)
    return [(row[0], row[1]) for row in session.execute(query)]
