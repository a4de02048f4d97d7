"""Consent use cases: read where the worker's consents stand, grant or withdraw them."""

from __future__ import annotations

import uuid

from rtw_shared.auth import Principal
from rtw_shared.uow import UnitOfWork

from ..cases import events
from ..cases import repository as cases
from ..cases.models import CONSENTS, Case, ConsentChange
from ..cases.service import employer_knows_the_worker, get_case_for_change, get_visible_case
from ..timeline import service as timeline
from .schemas import CaseConsentsView, ConsentActor, ConsentChangeView, ConsentDecisionIn, ConsentStateView

# How the timeline names each consent (it says what changed, never the evidence).
TIMELINE_NAMES = {
    "share_restrictions_with_employer": "share restrictions and identity with the employer",
    "share_status_with_insurer": "share the case with the insurer",
}


def read_consents(*, uow: UnitOfWork, principal: Principal, case_id: uuid.UUID) -> CaseConsentsView:
    """Each consent's current state and its whole history (the clinic's therapists)."""
    case = get_visible_case(uow=uow, principal=principal, case_id=case_id)
    return consents_view(case, cases.consent_history(uow.session, case.id))


def change_consents(
    *,
    uow: UnitOfWork,
    principal: Principal,
    case_id: uuid.UUID,
    decisions: dict[str, ConsentDecisionIn],
    if_match: str | None,
) -> CaseConsentsView:
    """Grant or withdraw consents; each actual change is kept, put on the timeline and announced."""
    case = get_case_for_change(uow=uow, principal=principal, case_id=case_id, if_match=if_match)
    employer_knew = employer_knows_the_worker(case)
    changed = {name: decision for name, decision in decisions.items() if getattr(case, name) != decision.granted}
    for name, decision in changed.items():
        setattr(case, name, decision.granted)
        cases.add_consent_change(
            uow.session,
            case_id=case.id,
            consent=name,
            granted=decision.granted,
            evidence=decision.evidence,
            principal=principal,
        )
        timeline.record(
            uow,
            case_id=case.id,
            kind="consent.changed",
            actor=principal.username,
            summary=f"Consent to {TIMELINE_NAMES[name]} {'granted' if decision.granted else 'withdrawn'}",
            data={"consent": name, "granted": decision.granted},
        )
    if changed:
        _announce(uow, case, changed, principal, employer_knew=employer_knew)
        uow.commit()
    return consents_view(case, cases.consent_history(uow.session, case.id))


def _announce(
    uow: UnitOfWork, case: Case, changed: dict[str, ConsentDecisionIn], principal: Principal, *, employer_knew: bool
) -> None:
    uow.session.flush()  # the new version, before the events' snapshot names it
    for name, decision in changed.items():
        uow.emit(events.consent_changed(case, consent=name, granted=decision.granted, changed_by=principal.subject))
    # The employer forgot who the worker is when it could no longer see it; now that it may again, tell it.
    if not employer_knew and employer_knows_the_worker(case):
        uow.emit(events.shared_with_employer(case))


def consents_view(case: Case, history: list[ConsentChange]) -> CaseConsentsView:
    """The consents of `case` as its therapists read them."""
    changes = [_change_view(change) for change in history]
    latest: dict[str, ConsentChangeView] = {change.consent: change for change in changes}
    states = {name: _state(getattr(case, name), latest.get(name)) for name in CONSENTS}
    return CaseConsentsView(case_id=case.id, version=case.version, history=changes, **states)


def _change_view(change: ConsentChange) -> ConsentChangeView:
    return ConsentChangeView(
        consent=change.consent,
        granted=change.granted,
        evidence=change.evidence,
        changed_at=change.changed_at,
        changed_by=ConsentActor(subject=change.changed_by_subject, username=change.changed_by_username),
    )


def _state(granted: bool, latest: ConsentChangeView | None) -> ConsentStateView:
    return ConsentStateView(
        granted=granted,
        changed_by=latest.changed_by if latest is not None else None,
        changed_at=latest.changed_at if latest is not None else None,
        evidence=latest.evidence if latest is not None else None,
    )
