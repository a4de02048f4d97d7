"""Case use cases. Each takes a Unit of Work and commits it at most once."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime

from rtw_shared.auth import Principal
from rtw_shared.errors import NotFoundError
from rtw_shared.events import CaseCreatedV1, CaseSharedWithEmployerV1
from rtw_shared.pagination import decode_cursor, encode_cursor
from rtw_shared.uow import UnitOfWork

from .. import policy
from ..status.schemas import AccommodationStatus, CaseStatusView, Cost, PlanStatus
from . import repository
from .models import Case
from .schemas import CaseCreate

INITIAL_STATUS = "referred"


def create_case(*, uow: UnitOfWork, principal: Principal, data: CaseCreate) -> Case:
    """Open a case for the calling therapist's clinic and announce it."""
    case = Case(
        id=uuid.uuid4(),
        reference=repository.next_reference(uow.session, datetime.now(UTC).year),
        status=INITIAL_STATUS,
        clinic_org_id=principal.org_id,
        employer_org_id=data.employment.employer_org_id,
        insurer_org_id=data.claim.insurer_org_id,
        therapist_id=principal.subject,
        therapist_username=principal.username,
        worker=data.worker.model_dump(mode="json"),
        claim=data.claim.model_dump(mode="json"),
        employment=data.employment.model_dump(mode="json"),
    )
    uow.session.add(case)
    uow.session.flush()  # timestamps and version, before the events describe the case
    uow.emit(CaseCreatedV1(
        case_id=case.id, reference=case.reference, status=case.status, clinic_org_id=case.clinic_org_id,
        employer_org_id=case.employer_org_id, insurer_org_id=case.insurer_org_id,
        therapist_id=case.therapist_id, therapist_email=principal.email,
    ))
    uow.emit(CaseSharedWithEmployerV1(
        case_id=case.id, employer_org_id=case.employer_org_id,
        worker_name=f"{data.worker.given_name} {data.worker.family_name}", job_title=data.employment.job_title,
    ))
    uow.commit()
    return case


def get_visible_case(*, uow: UnitOfWork, principal: Principal, case_id: uuid.UUID) -> Case:
    """The case if the caller's organisation may see it; 404 otherwise (existence not revealed)."""
    case = repository.get(uow.session, case_id)
    if case is None or not policy.can_see(principal, case):
        raise NotFoundError(f"case {case_id} not found")
    return case


def list_visible_cases(*, uow: UnitOfWork, principal: Principal, status: str | None,
                       updated_since: datetime | None, cursor: str | None, limit: int) -> tuple[list[Case], str | None]:
    """One page of the cases the caller may see, and the cursor of the next page."""
    field = policy.tenant_field(principal)
    if field is None:
        return [], None
    cases = repository.list_for_tenant(uow.session, tenant_field=field, org_id=principal.org_id, status=status,
                                       updated_since=updated_since, after=decode_cursor(cursor), limit=limit + 1)
    if len(cases) <= limit:
        return cases, None
    last = cases[limit - 1]
    return cases[:limit], encode_cursor(last.updated_at, last.id)


def case_status(*, uow: UnitOfWork, principal: Principal, case_id: uuid.UUID) -> CaseStatusView:
    case = get_visible_case(uow=uow, principal=principal, case_id=case_id)
    row = repository.status_projection(uow.session, case.id)
    if row is None:
        return CaseStatusView(case_id=case.id, reference=case.reference, status=case.status, plan=PlanStatus(),
                              accommodation=AccommodationStatus(), cost=Cost(), updated_at=case.updated_at)
    return CaseStatusView(
        case_id=case.id, reference=case.reference, status=case.status,
        plan=PlanStatus(status=row.plan_status, version=row.plan_version, adherence=_num(row.adherence),
                        job_match=_num(row.job_match)),
        accommodation=AccommodationStatus(status=row.accommodation_status),
        projected_rtw_date=row.projected_rtw_date,
        cost=Cost(projected=_num(row.projected_cost), actual=_num(row.actual_cost)),
        updated_at=max(case.updated_at, row.updated_at),
    )


def _num(value) -> float | None:
    return None if value is None else float(value)
