"""Turns a published plan that asks for accommodations into a request to the employer (ending the
plan's older open requests); keeps the case copies current from intake's events, whatever order
they arrive in (each carries the case's snapshot and the newest one wins: rtw_shared.case_copy),
and withdraws the open requests of a case that ended (docs/domain/accommodations.md)."""

from __future__ import annotations

import uuid
from datetime import timedelta
from typing import Any, cast

import structlog

from rtw_shared import access
from rtw_shared.access import Part
from rtw_shared.case_copy import apply_case_events, parties_of, snapshot_of
from rtw_shared.events import (
    AccommodationRequestedV1,
    AccommodationWithdrawnV1,
    CaseAssessedV1,
    CaseConsentChangedV1,
    CaseCreatedV1,
    CaseEvent,
    CaseRestrictionsChangedV1,
    CaseRtwDateChangedV1,
    CaseSharedWithEmployerV1,
    CaseSnapshot,
    CaseStatusChangedV1,
    Envelope,
    PlanPublishedV1,
)
from rtw_shared.messaging.wiring import handles
from rtw_shared.uow import UnitOfWork

from ..cases import repository as cases
from ..cases.models import CaseCopy
from . import expiry, repository
from .models import AccommodationRequest

log = structlog.get_logger("rtw.employer")
REQUESTED, WITHDRAWN = "requested", "withdrawn"
# How long the employer has to answer before the request counts as overdue.
ANSWER_WITHIN = timedelta(days=7)


@handles(PlanPublishedV1)
def on_plan_published(uow: UnitOfWork, envelope: Envelope) -> None:
    """Open one request per published plan version that asks for accommodations, and announce it;
    the plan's older requests still awaiting an answer end (a newer version replaces them).

    Applied whether or not intake's events for the case have arrived (its copy fills in later),
    but not for a case the copy already says was withdrawn or closed. A revision whose
    accommodations and schedule both did not change (`accommodations_changed` and
    `schedule_changed` false) leaves the open request standing and opens none."""
    event = cast(PlanPublishedV1, envelope.data)  # a handler's data is of the class it is registered for
    if event.accommodations_changed is False and event.schedule_changed is False:
        return  # the request already open still asks exactly this
    cases.lock_case(uow.session, event.case_id)
    copy = cases.get(uow.session, event.case_id)
    if copy is not None and copy.ended:
        log.info(
            "plan published for a case that ended; no request opened",
            case_id=str(event.case_id),
            plan_id=str(event.plan_id),
            case_status=copy.status,
        )
        return
    if repository.newest_plan_version(uow.session, event.plan_id) > event.version:
        return  # a late copy of an older version: the newer one's request stands
    supersede_open_requests(uow, plan_id=event.plan_id, by_version=event.version)
    if event.accommodations:  # otherwise nothing for the employer to confirm
        open_request(uow, event)


def open_request(uow: UnitOfWork, event: PlanPublishedV1) -> None:
    """Insert the request for `event`'s plan version (once), arm its expiry, and announce it."""
    request_id, due_date = uuid.uuid4(), uow.now().date() + ANSWER_WITHIN
    values: dict[str, Any] = {
        "id": request_id,
        "case_id": event.case_id,
        "employer_org_id": event.employer_org_id,
        "plan_id": event.plan_id,
        "plan_version": event.version,
        "status": REQUESTED,
        "version": 1,
        "restrictions": [r.model_dump(mode="json") for r in event.restrictions],
        "schedule": [w.model_dump(mode="json") for w in event.schedule],
        "accommodations": [a.model_dump(mode="json") for a in event.accommodations],
        "due_date": due_date,
    }
    if not repository.insert_once(uow.session, values):
        return
    expiry.schedule_expiry(uow, request_id=request_id, due_date=due_date)
    uow.emit(
        AccommodationRequestedV1(
            case_id=event.case_id,
            accommodation_id=request_id,
            employer_org_id=event.employer_org_id,
            plan_id=event.plan_id,
            plan_version=event.version,
            due_date=due_date,
        )
    )


def supersede_open_requests(uow: UnitOfWork, *, plan_id: uuid.UUID, by_version: int) -> None:
    """Withdraw the plan's requests of older versions still awaiting an answer (requested, or countered
    and awaiting the therapist): the therapist answered with a revised plan, which is what stands now."""
    reason = f"plan version {by_version} replaced it"
    for request in repository.open_requests_of_plan(uow.session, plan_id, before_version=by_version):
        _withdraw(uow, request, reason)


def withdraw_open_requests(uow: UnitOfWork, *, case_id: uuid.UUID, case_status: str) -> None:
    """Withdraw the case's requests still awaiting an answer (requested or countered), saying why,
    and announce each. Decided ones keep their answer; a second call finds nothing open."""
    reason = f"the case was {case_status}"  # never the therapist's own words: they may be clinical
    for request in repository.open_requests(uow.session, case_id):
        _withdraw(uow, request, reason)


def _withdraw(uow: UnitOfWork, request: AccommodationRequest, reason: str) -> None:
    """End an open request, saying why, and announce it."""
    request.status, request.withdrawn_reason = WITHDRAWN, reason
    expiry.cancel_expiry(uow, request.id)
    uow.session.flush()  # the row version moves on: an If-Match read before this is stale
    uow.emit(
        AccommodationWithdrawnV1(
            case_id=request.case_id,
            accommodation_id=request.id,
            employer_org_id=request.employer_org_id,
            reason=reason,
        )
    )


# What a snapshot without the employer's consent leaves of who the worker is.
IDENTITY_WITHHELD: dict[str, object] = {"worker_name": None, "job_title": None}


@handles(
    CaseCreatedV1,
    CaseStatusChangedV1,
    CaseConsentChangedV1,
    CaseSharedWithEmployerV1,
    CaseRestrictionsChangedV1,
    CaseRtwDateChangedV1,
    CaseAssessedV1,
    batch=True,
)
def on_case_events(uow: UnitOfWork, envelopes: list[Envelope]) -> None:
    """Apply a run of intake's events in a few statements, leaving what one by one would:
    - each copy takes its newest snapshot (one without the employer's consent clears name and job
      title);
    - then each `case.shared_with_employer` stores the worker's name and job title unless the copy
      is newer or not shared (intake sends it again when the worker re-grants the consent), which
      is what it did one by one, as a later, newer snapshot would have cleared or kept them anyway;
    - a case that ended withdraws its open requests (once: it stays ended)."""
    events = [cast(CaseEvent, envelope.data) for envelope in envelopes]
    case_ids = list(dict.fromkeys(event.case_id for event in events))
    cases.lock_cases(uow.session, case_ids)
    apply_case_events(uow.session, CaseCopy, events, extra_of=_identity_columns)
    for event in events:
        if isinstance(event, CaseSharedWithEmployerV1):
            _show_identity(uow, event)
    for copy in cases.get_many(uow.session, case_ids):
        if copy.ended_as is not None:
            withdraw_open_requests(uow, case_id=copy.case_id, case_status=copy.ended_as)


def _identity_columns(snapshot: CaseSnapshot) -> dict[str, object]:
    return {} if _employer_knows_the_worker(snapshot) else IDENTITY_WITHHELD


def _employer_knows_the_worker(snapshot: CaseSnapshot) -> bool:
    """Whether the case as `snapshot` describes it lets its employer see who the worker is (rtw_shared.access)."""
    parties = parties_of(snapshot)
    return access.may_see(access.party(parties, "employer"), parties, Part.IDENTITY)


def _show_identity(uow: UnitOfWork, event: CaseSharedWithEmployerV1) -> None:
    snapshot = snapshot_of(event)
    employer = access.organisation(event.employer_org_id, "employer")
    if snapshot is None:
        cases.show_legacy_identity(
            uow.session, event.case_id, employer=employer, worker_name=event.worker_name, job_title=event.job_title
        )
    elif _employer_knows_the_worker(snapshot):
        cases.show_identity(
            uow.session,
            event.case_id,
            employer=employer,
            up_to_version=snapshot.version,
            worker_name=event.worker_name,
            job_title=event.job_title,
        )
