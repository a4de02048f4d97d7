"""Case use cases. Each takes a Unit of Work and commits it at most once."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime

from rtw_shared.auth import Principal
from rtw_shared.errors import ConflictError, NotFoundError, PreconditionFailedError, UnprocessableError
from rtw_shared.events import CaseCreatedV1, CaseSharedWithEmployerV1, CaseStatusChangedV1
from rtw_shared.pagination import decode_cursor, page
from rtw_shared.uow import UnitOfWork

from .. import policy
from ..status.schemas import AccommodationStatus, CaseStatusView, Cost, PlanStatus
from ..timeline import service as timeline
from . import repository, status_machine
from .models import Case
from .schemas import CaseCreate, RestrictionIn
from .strength import force_demands_of, strength_level

INITIAL_STATUS = "referred"


def create_case(*, uow: UnitOfWork, principal: Principal, data: CaseCreate) -> Case:
    """Open a case for the calling therapist's clinic and announce it."""
    employment = data.employment.model_dump(mode="json")
    case = Case(
        id=uuid.uuid4(), reference=repository.next_reference(uow.session, datetime.now(UTC).year),
        status=INITIAL_STATUS, clinic_org_id=principal.org_id, employer_org_id=data.employment.employer_org_id,
        insurer_org_id=data.claim.insurer_org_id, therapist_id=principal.subject,
        therapist_username=principal.username, worker=data.worker.model_dump(mode="json"),
        claim=data.claim.model_dump(mode="json"), employment=employment,
        referral=data.referral.model_dump(mode="json") if data.referral else None,
        consents=data.consents.model_dump(mode="json"), restrictions=_stored(data.restrictions),
        dot_strength_level_computed=strength_level(force_demands_of(employment)),
    )
    uow.session.add(case)
    uow.session.flush()  # timestamps and version, before the events describe the case
    timeline.record(uow.session, case_id=case.id, kind="case.opened", actor=principal.username,
                    summary=f"Case {case.reference} opened ({case.status})", data=_strength_note(case))
    _announce_created(uow, case, data, principal)
    uow.commit()
    return case


def _announce_created(uow: UnitOfWork, case: Case, data: CaseCreate, principal: Principal) -> None:
    uow.emit(CaseCreatedV1(
        case_id=case.id, reference=case.reference, status=case.status, clinic_org_id=case.clinic_org_id,
        employer_org_id=case.employer_org_id, insurer_org_id=case.insurer_org_id,
        therapist_id=case.therapist_id, therapist_email=principal.email,
    ))
    if data.consents.share_restrictions_with_employer:
        uow.emit(CaseSharedWithEmployerV1(
            case_id=case.id, employer_org_id=case.employer_org_id,
            worker_name=f"{data.worker.given_name} {data.worker.family_name}",
            job_title=data.employment.job_title,
        ))


def _strength_note(case: Case) -> dict:
    return {"dot_strength_level_stated": case.employment.get("dot_strength_level"),
            "dot_strength_level_computed": case.dot_strength_level_computed,
            "dot_strength_mismatch": case.dot_strength_mismatch}


def _stored(restrictions: list[RestrictionIn]) -> list[dict]:
    return [r.model_dump(mode="json") for r in restrictions]


def get_visible_case(*, uow: UnitOfWork, principal: Principal, case_id: uuid.UUID, for_update: bool = False) -> Case:
    """The case if the caller's organisation may see it; 404 otherwise (existence not revealed)."""
    case = repository.get(uow.session, case_id, for_update=for_update)
    if case is None or not policy.can_see(principal, case):
        raise NotFoundError(f"case {case_id} not found")
    return case


def check_if_match(case: Case, if_match: str | None) -> None:
    """Optimistic concurrency: a write naming an older version is refused with 412."""
    if if_match is None or if_match.strip() == "*":
        return
    offered = {tag.strip().removeprefix("W/").strip('"') for tag in if_match.split(",")}
    if str(case.version) not in offered:
        raise PreconditionFailedError(f"the case is at version {case.version}; you sent If-Match {if_match}. "
                                      "Reload it and try again.")


def transition_case(*, uow: UnitOfWork, principal: Principal, case_id: uuid.UUID, to: str, reason: str | None,
                    if_match: str | None) -> Case:
    """Move a case to another status if the status machine allows it (409 with the reason if not)."""
    case = get_visible_case(uow=uow, principal=principal, case_id=case_id, for_update=True)
    check_if_match(case, if_match)
    if to in status_machine.NEEDS_REASON and not reason:
        raise UnprocessableError(f"reason: moving a case to {to} needs a reason", field="reason")
    try:
        new_state = status_machine.transition(case.state, to)
    except status_machine.IllegalTransitionError as refusal:
        raise ConflictError(str(refusal), allowed_moves=case.allowed_moves) from refusal
    previous = case.status
    case.status, case.status_before_hold = new_state.status, new_state.status_before_hold
    timeline.record(uow.session, case_id=case.id, kind="case.status_changed", actor=principal.username,
                    summary=f"Status {previous} → {case.status}" + (f": {reason}" if reason else ""),
                    data={"from": previous, "to": case.status, "reason": reason})
    uow.emit(CaseStatusChangedV1(case_id=case.id, from_status=previous, to_status=case.status, reason=reason))
    uow.commit()
    return case


def replace_restrictions(*, uow: UnitOfWork, principal: Principal, case_id: uuid.UUID,
                         restrictions: list[RestrictionIn], if_match: str | None) -> Case:
    """Replace the case's restrictions (therapist)."""
    case = get_visible_case(uow=uow, principal=principal, case_id=case_id, for_update=True)
    check_if_match(case, if_match)
    if case.status in status_machine.FINAL:
        raise ConflictError(f"the case is {case.status}; its restrictions can no longer change")
    case.restrictions = _stored(restrictions)
    timeline.record(uow.session, case_id=case.id, kind="case.restrictions_changed", actor=principal.username,
                    summary=f"Restrictions updated ({len(restrictions)})")
    uow.commit()
    return case


def list_visible_cases(*, uow: UnitOfWork, principal: Principal, status: str | None, updated_since: datetime | None,
                       cursor: str | None, limit: int) -> tuple[list[Case], str | None]:
    """One page of the cases the caller may see, and the cursor of the next page."""
    field = policy.tenant_field(principal)
    if field is None:
        return [], None
    cases = repository.list_for_tenant(uow.session, tenant_field=field, org_id=principal.org_id, status=status,
                                       updated_since=updated_since, after=decode_cursor(cursor), limit=limit + 1)
    return page(cases, limit, key=lambda case: (case.updated_at, case.id))


def case_status(*, uow: UnitOfWork, principal: Principal, case_id: uuid.UUID) -> CaseStatusView:
    """The insurer's one-call answer, from the status projection (one row, no fan-out)."""
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
