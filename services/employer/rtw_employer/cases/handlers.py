"""Keeps the case copies current from intake's events, whatever order they arrive in: each carries
the case's snapshot and the newest one wins (rtw_shared.case_copy). A case that ended withdraws its
open accommodation requests (docs/domain/accommodations.md)."""

from __future__ import annotations

from rtw_shared.case_copy import apply_case_event, snapshot_of
from rtw_shared.events import (
    CaseConsentChangedV1,
    CaseCreatedV1,
    CaseEvent,
    CaseSharedWithEmployerV1,
    CaseSnapshot,
    CaseStatusChangedV1,
    Envelope,
)
from rtw_shared.messaging.wiring import handles
from rtw_shared.uow import UnitOfWork

from ..accommodations.handlers import withdraw_open_requests
from . import repository
from .models import CaseCopy

# What a snapshot without the employer's consent leaves of who the worker is.
IDENTITY_WITHHELD = {"worker_name": None, "job_title": None}


@handles(CaseCreatedV1, CaseStatusChangedV1, CaseConsentChangedV1)
def on_case_event(uow: UnitOfWork, envelope: Envelope) -> None:
    """Apply the event's snapshot to the copy (a withdrawn consent clears name and job title)."""
    keep_copy(uow, envelope.data)


@handles(CaseSharedWithEmployerV1)
def on_case_shared_with_employer(uow: UnitOfWork, envelope: Envelope) -> None:
    """Apply the snapshot, and store the worker's name and job title while the snapshot says shared.
    Intake sends this event again when the worker re-grants the consent."""
    event: CaseSharedWithEmployerV1 = envelope.data
    snapshot = keep_copy(uow, event)
    if snapshot is None:
        repository.show_legacy_identity(
            uow.session,
            event.case_id,
            employer_org_id=event.employer_org_id,
            worker_name=event.worker_name,
            job_title=event.job_title,
        )
    elif snapshot.consents.share_restrictions_with_employer:
        repository.show_identity(
            uow.session,
            event.case_id,
            up_to_version=snapshot.version,
            worker_name=event.worker_name,
            job_title=event.job_title,
        )


def keep_copy(uow: UnitOfWork, event: CaseEvent) -> CaseSnapshot | None:
    """Apply `event`'s snapshot (if it is the newest) and withdraw the open requests of a case that
    ended. Returns the snapshot (None: an event written before snapshots, other than `case.created`)."""
    repository.lock_case(uow.session, event.case_id)
    snapshot = snapshot_of(event)
    shared = snapshot is None or snapshot.consents.share_restrictions_with_employer
    apply_case_event(uow.session, CaseCopy, event, **({} if shared else IDENTITY_WITHHELD))
    copy = repository.get(uow.session, event.case_id)
    if copy is not None and copy.ended:
        withdraw_open_requests(uow, case_id=event.case_id, case_status=copy.status)
    return snapshot
