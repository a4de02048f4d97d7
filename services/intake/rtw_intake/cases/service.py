"""Case use cases. Each takes a Unit of Work and commits it at most once."""

from __future__ import annotations

import uuid
from datetime import date, datetime
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
from ..organisations import service as organisations
from ..organisations.realm import RealmDirectory
from ..timeline import service as timeline
from . import events, repository, status_machine
from .models import Case
from .schemas import CaseCreate
from .strength import force_demands_of, strength_level

INITIAL_STATUS = "referred"


def create_case(*, uow: UnitOfWork, principal: Principal, data: CaseCreate, directory: RealmDirectory) -> Case:
    """Open a case for the calling therapist's clinic (its organisations known, its claim new) and announce it.

    The hot path (make bench): one round trip inserts the case where its organisations are known and its
    claim is new; its consent history, timeline entry, events and audit row go with the commit, in one
    more. Only a refused insert takes the careful path, which says why (or learns the organisation)."""
    case = _new_case(uow, principal, data)
    opened = repository.open_new_case(uow.session, case, year=uow.now().year)
    if opened is None:
        _require_organisations(uow, directory, data)
        _require_new_claim(uow, principal, data.claim.insurer_org_id, data.claim.claim_number)
        opened = repository.open_new_case(uow.session, case, year=uow.now().year)  # the directory learnt of it
        if opened is None:
            raise ConflictError("the case's organisations or claim changed while it was being opened: try again")
    for name, value in opened.items():
        setattr(case, name, value)
    audit_context.note_case(case.id)
    # The consents given at intake open their history: who recorded them, and when.
    uow.on_commit(
        repository.consent_changes(case.id, case.consents, evidence=data.consents.evidence, principal=principal)
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
    if case.restrictions:
        uow.emit(events.restrictions_changed(case))
    uow.commit()
    return case


def _new_case(uow: UnitOfWork, principal: Principal, data: CaseCreate) -> Case:
    """The case `data` describes, as the caller's clinic's (not in the session: open_new_case inserts it)."""
    employment = data.employment.model_dump(mode="json")
    return Case(
        id=uuid.uuid4(),
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
        restrictions=dated_restrictions(data.restrictions, recorded_on=uow.now().date()),
        **data.consents.model_dump(exclude={"evidence"}),
        dot_strength_level_computed=strength_level(force_demands_of(employment)),
    )


def _require_organisations(uow: UnitOfWork, directory: RealmDirectory, data: CaseCreate) -> None:
    """422 naming the field when the case names an insurer or employer the directory does not know."""
    for kind, org_id, field in (
        ("insurer", data.claim.insurer_org_id, "claim.insurer_org_id"),
        ("employer", data.employment.employer_org_id, "employment.employer_org_id"),
    ):
        organisations.require_known(uow=uow, directory=directory, kind=kind, org_id=org_id, field=field)


def _require_new_claim(uow: UnitOfWork, principal: Principal, insurer_org_id: str, claim_number: str) -> None:
    """409 when the insurer already has an open case for this claim: naming it (its reference) only to a
    caller who may see it. A closed or withdrawn case does not hold the claim (a recurrence, a case
    opened by mistake)."""
    repository.lock_claim(uow.session, insurer_org_id, claim_number)
    existing = repository.open_case_with_claim(uow.session, insurer_org_id, claim_number)
    if existing is None:
        return
    if access.may_see(principal, existing, Part.CASE):
        raise ConflictError(
            f"claim {claim_number} of {insurer_org_id} is already registered as case {existing.reference}: "
            "work on that case (or withdraw it first)",
            field="claim.claim_number",
            case_id=str(existing.id),
            reference=existing.reference,
        )
    raise ConflictError(f"claim {claim_number} of {insurer_org_id} is already registered", field="claim.claim_number")


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


def dated_restrictions(restrictions: list[RestrictionIn], *, recorded_on: date) -> list[dict[str, Any]]:
    """The restrictions as the case stores them: one without a start applies from the day it is recorded
    (so the case's record, and a plan copying it, keep when it began); 422 when its review date or end
    would then come before that start."""
    stored = []
    for index, restriction in enumerate(restrictions):
        if restriction.start is None:
            for name in ("review_date", "end"):
                day = getattr(restriction, name)
                if day is not None and day < recorded_on:
                    field = f"restrictions.{index}.{name}"
                    raise UnprocessableError(
                        f"{field}: before the restriction's start ({recorded_on.isoformat()}, the day it is recorded, "
                        "as it has no start): give its start",
                        field=field,
                    )
            restriction = restriction.model_copy(update={"start": recorded_on})
        stored.append(restriction.model_dump(mode="json"))
    return stored


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
    schedule week began): one status-machine step at a time, each recorded and announced — from
    `referred` through `assessing` too, since published work means the worker was assessed. An
    on-hold case stays on hold and resumes to `to`; an ended case, or one already at or past `to`,
    does not move. The caller commits; returns the statuses passed through."""
    case = repository.get(uow.session, case_id, for_update=True)
    if case is None:
        return []
    if (held := status_machine.held_towards(case.state, to)) is not None:
        _move_resume_point(uow, case, held, actor=actor, reason=reason)
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


def _move_resume_point(uow: UnitOfWork, case: Case, held: status_machine.CaseState, *, actor: str, reason: str) -> None:
    """The case stays on hold (its status, and so every event's snapshot, unchanged) but will resume
    where the work has brought it: said on the timeline."""
    previous = case.status_before_hold
    case.status_before_hold = held.status_before_hold
    timeline.record(
        uow,
        case_id=case.id,
        kind="case.resume_point_changed",
        actor=actor,
        summary=f"On hold; will resume to {case.status_before_hold} (was {previous}): {reason}",
        data={"from": previous, "to": case.status_before_hold, "reason": reason},
    )


def replace_restrictions(
    *,
    uow: UnitOfWork,
    principal: Principal,
    case_id: uuid.UUID,
    restrictions: list[RestrictionIn],
    if_match: str | None,
) -> Case:
    """Replace the case's restrictions (therapist) and announce the new list (an unchanged list changes nothing)."""
    case = get_case_for_change(uow=uow, principal=principal, case_id=case_id, if_match=if_match)
    if case.status in status_machine.FINAL:
        raise ConflictError(f"the case is {case.status}; its restrictions can no longer change")
    stored = dated_restrictions(restrictions, recorded_on=uow.now().date())
    if stored == case.restrictions:
        return case  # the list read back, sent again: nothing changed, nothing to announce
    case.restrictions = stored
    timeline.record(
        uow,
        case_id=case.id,
        kind="case.restrictions_changed",
        actor=principal.username,
        summary=f"Restrictions updated ({len(restrictions)})",
    )
    uow.session.flush()  # the new version, before the event's snapshot names it
    uow.emit(events.restrictions_changed(case))
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
    claim_number: str | None = None,
    reference: str | None = None,
    search: str | None = None,
    assigned_to: str | None = None,
) -> tuple[list[Case], str | None]:
    """One page of the cases the caller may see (those with this claim number or reference, matching the
    search, assigned to this therapist, if given), most recently changed first, and the next page's cursor."""
    if claim_number or search:  # a search matches claim numbers (and names) too: the same oracle
        policy.require_claim_reader(principal)
    cases = repository.list_visible(
        uow.session,
        principal=principal,
        status=status,
        changed_since=updated_since,
        after=decode_cursor(cursor),
        limit=limit + 1,
        claim_number=claim_number,
        reference=reference,
        search=search,
        assigned_to=assigned_to,
    )
    shown, next_cursor = page(cases, limit, key=lambda case: (case.changed_at, case.id))
    return policy.shown_in_list(principal, shown), next_cursor
