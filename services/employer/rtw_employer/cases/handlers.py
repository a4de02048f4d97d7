"""Keeps the case copies current from intake's events, whatever order they arrive in: each carries
the case's snapshot and the newest one wins (rtw_shared.case_copy). A case that ended withdraws its
open accommodation requests (docs/domain/accommodations.md)."""

from __future__ import annotations

from rtw_shared import access
from rtw_shared.access import Part
from rtw_shared.case_copy import apply_case_events, parties_of, snapshot_of
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


@handles(CaseCreatedV1, CaseStatusChangedV1, CaseConsentChangedV1, CaseSharedWithEmployerV1, batch=True)
def on_case_events(uow: UnitOfWork, envelopes: list[Envelope]) -> None:
    """Apply a run of intake's events in a few statements, leaving what one by one would:
    - each copy takes its newest snapshot (one without the employer's consent clears name and job
      title);
    - then each `case.shared_with_employer` stores the worker's name and job title unless the copy
      is newer or not shared (intake sends it again when the worker re-grants the consent), which
      is what it did one by one, as a later, newer snapshot would have cleared or kept them anyway;
    - a case that ended withdraws its open requests (once: it stays ended)."""
    events: list[CaseEvent] = [envelope.data for envelope in envelopes]
    case_ids = list(dict.fromkeys(event.case_id for event in events))
    repository.lock_cases(uow.session, case_ids)
    apply_case_events(uow.session, CaseCopy, events, extra_of=_identity_columns)
    for event in events:
        if isinstance(event, CaseSharedWithEmployerV1):
            _show_identity(uow, event)
    for copy in repository.get_many(uow.session, case_ids):
        if copy.ended:
            withdraw_open_requests(uow, case_id=copy.case_id, case_status=copy.status)


def _identity_columns(snapshot: CaseSnapshot) -> dict:
    return {} if _employer_knows_the_worker(snapshot) else IDENTITY_WITHHELD


def _employer_knows_the_worker(snapshot: CaseSnapshot) -> bool:
    """Whether the case as `snapshot` describes it lets its employer see who the worker is (rtw_shared.access)."""
    parties = parties_of(snapshot)
    return access.may_see(access.party(parties, "employer"), parties, Part.IDENTITY)


def _show_identity(uow: UnitOfWork, event: CaseSharedWithEmployerV1) -> None:
    snapshot = snapshot_of(event)
    employer = access.organisation(event.employer_org_id, "employer")
    if snapshot is None:
        repository.show_legacy_identity(
            uow.session, event.case_id, employer=employer, worker_name=event.worker_name, job_title=event.job_title
        )
    elif _employer_knows_the_worker(snapshot):
        repository.show_identity(
            uow.session,
            event.case_id,
            employer=employer,
            up_to_version=snapshot.version,
            worker_name=event.worker_name,
            job_title=event.job_title,
        )
