"""The query employer's FHIR API adds: a case's accommodation requests."""

from __future__ import annotations

import uuid

from sqlalchemy import select
from sqlalchemy.orm import Session

from ..accommodations.models import AccommodationRequest


def requests_of_case(session: Session, case_id: uuid.UUID) -> list[AccommodationRequest]:
    """The case's requests, oldest first (one per published plan version that asked)."""
    query = select(AccommodationRequest).where(AccommodationRequest.case_id == case_id)
    return list(session.scalars(query.order_by(AccommodationRequest.plan_version, AccommodationRequest.created_at)))
