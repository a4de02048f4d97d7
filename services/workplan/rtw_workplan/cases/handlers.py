"""From intake's `case.created`: keep a copy of who is involved and open the case's first draft
plan (product.md: "a draft plan exists for every case shortly after the case is created")."""

from __future__ import annotations

from rtw_shared.events import CaseCreatedV1, Envelope
from rtw_shared.uow import UnitOfWork

from ..plans import repository as plans
from ..plans.models import EMPTY_CONTENT, Plan
from .models import CaseCopy


def on_case_created(uow: UnitOfWork, envelope: Envelope) -> None:
    """Store the case copy and its draft plan, version 1. The consumer commits (with its inbox row)."""
    event: CaseCreatedV1 = envelope.data
    # merge, and a draft only when the case has none: the inbox already drops redeliveries, but
    # a replayed dead letter or a re-sent event with a new id must not open a second plan either.
    case = uow.session.merge(CaseCopy(
        case_id=event.case_id, reference=event.reference, clinic_org_id=event.clinic_org_id,
        therapist_id=event.therapist_id, employer_org_id=event.employer_org_id,
        insurer_org_id=event.insurer_org_id,
    ))
    uow.session.flush()  # the case row exists before the plan that references it
    if plans.latest_for_case(uow.session, case.case_id) is None:
        uow.session.add(new_draft(case, version=1))


def new_draft(case: CaseCopy, *, version: int) -> Plan:
    """An empty draft plan for `case`, carrying its organisations for authorization."""
    return Plan(case_id=case.case_id, version=version, status="draft", clinic_org_id=case.clinic_org_id,
                insurer_org_id=case.insurer_org_id, employer_org_id=case.employer_org_id,
                therapist_id=case.therapist_id, content={k: list(v) for k, v in EMPTY_CONTENT.items()})


HANDLERS = {CaseCreatedV1.TYPE: on_case_created}
