"""Case use cases. Each takes a Unit of Work and commits it at most once."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from rtw_shared import access, audit_context
from rtw_shared.access import Part
from rtw_shared.auth import Principal
from rtw_shared.concurrency import check_if_match
from rtw_shared.errors import ConflictError, UnprocessableError
from rtw_shared.pagination import decode_cursor, page
from rtw_shared.restrictions import RestrictionIn
from rtw_shared.uow import UnitOfWork

from .. import policy
from ..timeline import service as timeline
from . import events, repository, status_machine
from .models import CONSENTS, Case
from .schemas import CaseCreate
from .strength import force_demands_of, strength_level

INITIAL_STATUS = "referred"


def create_case(*, uow: UnitOfWork, principal: Principal, data: CaseCreate) -> Case:
    """Open a case for the calling therapist's clinic and announce it."""
    employment = data.employment.model_dump(mode="json")
    case = Case(
        id=uuid.uuid4(),
        reference=repository.next_reference(uow.session, uow.now().year),
        status=INITIAL_STATUS,
        clinic_org_id=principal.org_id,
        employer_org_id=data.employment.employer_org_id,
        insurer_org_id=data.claim.insurer_org_id,
        therapist_id=principal.subject,
        therapist_username=principal.username,
        therapist_email=principal.verified_email,
        worker=data.worker.model_dump(mode="json"),
        claim=data.claim.model_dump(mode="json"),
        employment=employment,
        referral=data.referral.model_dump(mode="json") if data.referral else None,
        restrictions=_stored(data.restrictions),
        **data.consents.model_dump(),
        dot_strength_level_computed=strength_level(force_demands_of(employment)),
    )
    uow.session.add(case)
    uow.session.flush()  # timestamps and version, before the history and the events describe the case
    audit_context.note_case(case.id)
    # The consents given at intake open their history: who recorded them, and when.
    for consent in CONSENTS:
        repository.add_consent_change(
            uow.session,
            case_id=case.id,
            consent=consent,
            granted=getattr(case, consent),
            evidence=None,
            principal=principal,
        )
    timeline.record(
        uow,
        case_id=case.id,
        kind="case.opened",
        actor=principal.username,
        summary=f"Case {case.reference} opened ({case.status})",
        data=_strength_note(case),
    )
    uow.emit(events.created(case))
    if employer_knows_the_worker(case):
        uow.emit(events.shared_with_employer(case))
    uow.commit()
    return case


def employer_knows_the_worker(case: Case) -> bool:
    """Whether the case's employer may see who the worker is (rtw_shared.access: the worker's consent)."""
    knows: bool = access.may_see(access.party(case, "employer"), case, Part.IDENTITY)
    return knows


def _strength_note(case: Case) -> dict[str, object]:
    return {
        "dot_strength_level_stated": case.employment.get("dot_strength_level"),
        "dot_strength_level_computed": case.dot_strength_level_computed,
        "dot_strength_mismatch": case.dot_strength_mismatch,
    }


def _stored(restrictions: list[RestrictionIn]) -> list[dict[str, Any]]:
    return [r.model_dump(mode="json") for r in restrictions]


def get_visible_case(
    *, uow: UnitOfWork, principal: Principal, case_id: uuid.UUID, part: Part = Part.CASE, for_update: bool = False
) -> Case:
    """The case if the caller's organisation may see `part` of it; 404 otherwise (existence not revealed)."""
    case = repository.get(uow.session, case_id, for_update=for_update)
    return policy.require_case(principal, case, part, what=f"case {case_id}")


def get_case_for_change(*, uow: UnitOfWork, principal: Principal, case_id: uuid.UUID, if_match: str | None) -> Case:
    """The case locked for a write, if the caller may see it and `if_match` names its current version (412)."""
    case = get_visible_case(uow=uow, principal=principal, case_id=case_id, for_update=True)
    check_if_match(if_match, case.version, what=f"case {case.id}")
    return case


def transition_case(
    *, uow: UnitOfWork, principal: Principal, case_id: uuid.UUID, to: str, reason: str | None, if_match: str | None
) -> Case:
    """Move a case to another status if the status machine allows it (409 with the reason if not)."""
    case = get_case_for_change(uow=uow, principal=principal, case_id=case_id, if_match=if_match)
    if to in status_machine.NEEDS_REASON and not reason:
        raise UnprocessableError(f"reason: moving a case to {to} needs a reason", field="reason")
    try:
        new_state = status_machine.transition(case.state, to)
    except status_machine.IllegalTransitionError as refusal:
        raise ConflictError(str(refusal), allowed_moves=case.allowed_moves) from refusal
    previous = case.status
    case.status, case.status_before_hold = new_state.status, new_state.status_before_hold
    timeline.record(
        uow,
        case_id=case.id,
        kind="case.status_changed",
        actor=principal.username,
        summary=f"Status {previous} → {case.status}" + (f": {reason}" if reason else ""),
        data={"from": previous, "to": case.status, "reason": reason},
    )
    uow.session.flush()  # the new version, before the event's snapshot names it
    uow.emit(events.status_changed(case, previous=previous, reason=reason))
    uow.commit()
    return case


def follow_the_work(*, uow: UnitOfWork, case_id: uuid.UUID, to: str, actor: str, reason: str) -> list[str]:
    """Move the case forward along the flow to `to`, because the work moved it (a plan was published, a
    schedule week began): one status-machine step at a time, each recorded and announced. Nothing moves
    from `referred` (the therapist has not begun assessing), from on hold or an ended case, or when
    the case is already at or past `to`. The caller commits; returns the statuses passed through."""
    case = repository.get(uow.session, case_id, for_update=True)
    if case is None:
        return []
    steps = status_machine.steps_towards(case.state, to)
    for step in steps:
        previous = case.status
        state = status_machine.transition(case.state, step)
        case.status, case.status_before_hold = state.status, state.status_before_hold
        timeline.record(
            uow,
            case_id=case.id,
            kind="case.status_changed",
            actor=actor,
            summary=f"Status {previous} → {case.status}: {reason}",
            data={"from": previous, "to": case.status, "reason": reason},
        )
        uow.session.flush()  # the new version, before the event's snapshot names it
        uow.emit(events.status_changed(case, previous=previous, reason=reason))
    return steps


def replace_restrictions(
    *,
    uow: UnitOfWork,
    principal: Principal,
    case_id: uuid.UUID,
    restrictions: list[RestrictionIn],
    if_match: str | None,
) -> Case:
    """Replace the case's restrictions (therapist)."""
    case = get_case_for_change(uow=uow, principal=principal, case_id=case_id, if_match=if_match)
    if case.status in status_machine.FINAL:
        raise ConflictError(f"the case is {case.status}; its restrictions can no longer change")
    case.restrictions = _stored(restrictions)
    timeline.record(
        uow,
        case_id=case.id,
        kind="case.restrictions_changed",
        actor=principal.username,
        summary=f"Restrictions updated ({len(restrictions)})",
    )
    uow.commit()
    return case


def list_visible_cases(
    *,
    uow: UnitOfWork,
    principal: Principal,
    status: str | None,
    updated_since: datetime | None,
    cursor: str | None,
    limit: int,
) -> tuple[list[Case], str | None]:
    """One page of the cases the caller may see, most recently changed first, and the next page's cursor."""
    cases = repository.list_visible(
        uow.session,
        principal=principal,
        status=status,
        changed_since=updated_since,
        after=decode_cursor(cursor),
        limit=limit + 1,
    )
    shown, next_cursor = page(cases, limit, key=lambda case: (case.changed_at, case.id))
    return policy.shown_in_list(principal, shown), next_cursor
