"""Keeps notify's case copies current from intake's events."""

from __future__ import annotations

from rtw_shared.events import CaseCreatedV1, Envelope
from rtw_shared.uow import UnitOfWork

from .models import CaseCopy

COPIED_FIELDS = ("reference", "therapist_id", "therapist_email", "clinic_org_id", "employer_org_id",
                 "insurer_org_id")


def on_case_created(uow: UnitOfWork, envelope: Envelope) -> None:
    event: CaseCreatedV1 = envelope.data
    case = uow.session.get(CaseCopy, event.case_id, with_for_update=True)
    if case is None:
        case = CaseCopy(case_id=event.case_id)
        uow.session.add(case)
    for name in COPIED_FIELDS:
        setattr(case, name, getattr(event, name))


HANDLERS = {CaseCreatedV1.TYPE: on_case_created}
