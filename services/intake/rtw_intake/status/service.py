"""The insurer's one-call status of a case, read from the status projection (one row, no fan-out)."""

from __future__ import annotations

import uuid
from decimal import Decimal

from rtw_shared.access import Part, may_see
from rtw_shared.auth import Principal
from rtw_shared.role_view import Field, role_view
from rtw_shared.uow import UnitOfWork

from ..cases.service import get_visible_case
from . import repository
from .schemas import AccommodationStatus, CaseStatusView, Cost, PlanStatus


def case_status(*, uow: UnitOfWork, principal: Principal, case_id: uuid.UUID) -> CaseStatusView:
    """The insurer's one-call answer, from the status projection (one row, no fan-out)."""
    case = get_visible_case(uow=uow, principal=principal, case_id=case_id, part=Part.PROGRESS)
    row = repository.get(uow.session, case.id)
    view = CaseStatusView(
        case_id=case.id,
        reference=case.reference,
        claim_number=case.claim.get("claim_number") if role_view(principal, case).shows(Field.CLAIM_NUMBER) else None,
        status=case.status,
        plan=PlanStatus(),
        accommodation=AccommodationStatus(),
        cost=Cost(),
        updated_at=case.changed_at,
    )
    if row is None:
        return view
    view.plan = PlanStatus(
        status=row.plan_status, version=row.plan_version, adherence=_num(row.adherence), job_match=_num(row.job_match)
    )
    view.projected_rtw_date = row.projected_rtw_date
    view.projected_readiness_date = row.projected_readiness_date
    if may_see(principal, case, Part.ACCOMMODATION):
        view.accommodation = AccommodationStatus(status=row.accommodation_status)
    if may_see(principal, case, Part.COST):
        view.cost = Cost(projected=_num(row.projected_cost), actual=_num(row.actual_cost))
    return view


def _num(value: Decimal | float | None) -> float | None:
    return None if value is None else float(value)
