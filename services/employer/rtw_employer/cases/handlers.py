"""Keeps the case copies current from intake's events."""

from __future__ import annotations

from sqlalchemy import func
from sqlalchemy.dialects.postgresql import insert as pg_insert

from rtw_shared.events import CaseCreatedV1, CaseSharedWithEmployerV1, Envelope
from rtw_shared.uow import UnitOfWork

from .models import CaseCopy


def _upsert(uow: UnitOfWork, case_id, **values) -> None:
    # An upsert, not read-then-write: the two events of a case may be applied concurrently
    # (different consumers of one group), and each fills only its own columns.
    statement = pg_insert(CaseCopy).values(case_id=case_id, **values)
    uow.session.execute(statement.on_conflict_do_update(
        index_elements=[CaseCopy.case_id], set_={**values, "updated_at": func.now()},
    ))


def on_case_created(uow: UnitOfWork, envelope: Envelope) -> None:
    event: CaseCreatedV1 = envelope.data
    _upsert(uow, event.case_id, reference=event.reference, employer_org_id=event.employer_org_id,
            clinic_org_id=event.clinic_org_id, insurer_org_id=event.insurer_org_id)


def on_case_shared_with_employer(uow: UnitOfWork, envelope: Envelope) -> None:
    event: CaseSharedWithEmployerV1 = envelope.data
    _upsert(uow, event.case_id, employer_org_id=event.employer_org_id, worker_name=event.worker_name,
            job_title=event.job_title)


HANDLERS = {
    CaseCreatedV1.TYPE: on_case_created,
    CaseSharedWithEmployerV1.TYPE: on_case_shared_with_employer,
}
