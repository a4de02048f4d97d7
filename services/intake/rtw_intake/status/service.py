"""The insurer's one-call status of a case, read from the status projection (one row, no fan-out)."""

from __future__ import annotations

import uuid
from decimal import Decimal

from rtw_shared.access import Part, may_see
from rtw_shared.auth import Principal
from rtw_shared.role_view import Field, role_view
from rtw_shared.uow import UnitOfWork

from .. import policy
from . import repository
from .schemas import AccommodationStatus, CaseStatusView, Cost, PlanStatus


def case_status(*, uow: UnitOfWork, principal: Principal, case_id: uuid.UUID) -> CaseStatusView:
    """The insurer's one-call answer, from the status projection (one query, no fan-out)."""
    row = policy.require_case(
        principal, repository.case_with_status(uow.session, case_id), Part.PROGRESS, what=f"case {case_id}"
    )
    # Without a projection row (nothing reported yet) its columns read as nulls: the same empty answer.
    shows = may_see(principal, row, Part.ACCOMMODATION), may_see(principal, row, Part.COST)
    return CaseStatusView(
        case_id=row.id,
        reference=row.reference,
        claim_number=row.claim_number if role_view(principal, row).shows(Field.CLAIM_NUMBER) else None,
        status=row.status,
        plan=PlanStatus(
            status=row.plan_status,
            version=row.plan_version,
            adherence=_num(row.adherence),
            job_match=_num(row.job_match),
        ),
        accommodation=AccommodationStatus(status=row.accommodation_status) if shows[0] else AccommodationStatus(),
        projected_rtw_date=row.projected_rtw_date,
        projected_readiness_date=row.projected_readiness_date,
        cost=Cost(projected=_num(row.projected_cost), actual=_num(row.actual_cost)) if shows[1] else Cost(),
        updated_at=row.changed_at,
    )


def _num(value: Decimal | float | None) -> float | None:
    return None if value is None else float(value)
