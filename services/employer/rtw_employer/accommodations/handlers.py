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
    INTAKE_EVENTS,
    AccommodationRequestedV1,
    AccommodationWithdrawnV1,
    CaseEvent,
    CaseSharedWithEmployerV1,
    CaseSnapshot,
    Envelope,
    PlanPublishedV1,
)
from rtw_shared.messaging.wiring import handles
from rtw_shared.uow import UnitOfWork

from ..cases import repository as cases
from ..cases.models import CaseCopy
from . import expiry, repository, weeks
from .models import AccommodationRequest

log = structlog.get_logger("rtw.employer")
REQUESTED, WITHDRAWN = "requested", "withdrawn"
# How long the employer has to answer before the request counts as overdue.
ANSWER_WITHIN = timedelta(days=7)


@handles(PlanPublishedV1)
def on_plan_published(uow: UnitOfWork, envelope: Envelope) -> None:
    """Open one request per published plan version that asks for accommodations, and announce it;
    the requests of the case's older plan versions still awaiting an answer end (a newer version
    replaces them). A case has one plan, its versions numbered from 1: the newest version employer
    has seen decides, whatever order the publications come in, so a late copy of an older version
    opens and ends nothing.

    Applied whether or not intake's events for the case have arrived (its copy fills in later),
    but not for a case the copy already says was withdrawn or closed. A revision whose
    accommodations and schedule both did not change (`accommodations_changed` and
    `schedule_changed` false) leaves the request of an earlier version standing and opens none. A
    version that is what the therapist and the employer agreed (`agreed_accommodation_id`) is linked
    to that request, which it puts into effect, and asks nothing again."""
    event = cast(PlanPublishedV1, envelope.data)  # a handler's data is of the class it is registered for
    cases.lock_case(uow.session, event.case_id)
    newest_seen = repository.newest_version_seen(uow.session, event.case_id)
    repository.remember_version(uow.session, event)
    if newest_seen > event.version:
        return  # a late copy of an older version: the newer one stands
    if event.agreed_accommodation_id is not None:
        put_agreement_into_effect(uow, event, event.agreed_accommodation_id)
        supersede_open_requests(uow, case_id=event.case_id, by_version=event.version)
        return
    copy = cases.get(uow.session, event.case_id)
    if copy is not None and copy.ended:
        log.info(
            "plan published for a case that ended; no request opened",
            case_id=str(event.case_id),
            plan_id=str(event.plan_id),
            case_status=copy.status,
        )
        return
    unchanged = event.accommodations_changed is False and event.schedule_changed is False
    if unchanged and repository.has_request_before(uow.session, event.case_id, version=event.version):
        return  # the earlier version's request still asks exactly this
    supersede_open_requests(uow, case_id=event.case_id, by_version=event.version)
    if event.accommodations:  # otherwise nothing for the employer to confirm
        open_request(uow, event)


def put_agreement_into_effect(uow: UnitOfWork, event: PlanPublishedV1, request_id: uuid.UUID) -> None:
    """Link the confirmed request whose accepted counter-proposal `event`'s version puts into effect,
    with what that version says (its schedule, dated, and its accommodations): what stands from now on."""
    request = repository.get(uow.session, request_id, for_update=True)
    if request is None or request.case_id != event.case_id or request.counter_accepted_at is None:
        log.warning(
            "plan version names an agreement employer does not have; nothing linked",
            case_id=str(event.case_id),
            plan_id=str(event.plan_id),
            accommodation_id=str(request_id),
        )
        return
    if request.agreed_plan_version is not None and request.agreed_plan_version >= event.version:
        return  # linked already (a redelivery)
    start = weeks.start_of([w.model_dump(mode="json") for w in event.schedule], event.schedule_start_date)
    request.agreed_plan_id, request.agreed_plan_version = event.plan_id, event.version
    request.agreed_schedule_start_date = start
    request.agreed_schedule = weeks.dated([w.model_dump(mode="json") for w in event.schedule], start)
    request.agreed_accommodations = [a.model_dump(mode="json") for a in event.accommodations]
    uow.session.flush()  # the row version moves on: what the request shows changed


def open_request(uow: UnitOfWork, event: PlanPublishedV1) -> None:
    """Insert the request for `event`'s plan version (once), arm its expiry, and announce it. Its weeks
    carry their dates when the plan's schedule has a start."""
    request_id, due_date = uuid.uuid4(), uow.now().date() + ANSWER_WITHIN
    schedule = [w.model_dump(mode="json") for w in event.schedule]
    start = weeks.start_of(schedule, event.schedule_start_date)
    values: dict[str, Any] = {
        "id": request_id,
        "case_id": event.case_id,
        "employer_org_id": event.employer_org_id,
        "plan_id": event.plan_id,
        "plan_version": event.version,
        "status": REQUESTED,
        "version": 1,
        "restrictions": [r.model_dump(mode="json") for r in event.restrictions],
        "schedule": weeks.dated(schedule, start),
        "schedule_start_date": start,
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


def supersede_open_requests(uow: UnitOfWork, *, case_id: uuid.UUID, by_version: int) -> None:
    """Withdraw the requests of the case's older plan versions still awaiting an answer (requested, or
    countered and awaiting the therapist): the therapist answered with a revised plan, which is what
    stands now. A confirmed request is never withdrawn."""
    reason = f"plan version {by_version} replaced it"
    for request in repository.open_requests(uow.session, case_id, before_version=by_version):
        _withdraw(uow, request, reason, replaced_by_version=by_version)


def withdraw_open_requests(uow: UnitOfWork, *, case_id: uuid.UUID, case_status: str) -> None:
    """Withdraw the case's requests still awaiting an answer (requested or countered), saying why,
    and announce each. Decided ones keep their answer; a second call finds nothing open."""
    reason = f"the case was {case_status}"  # never the therapist's own words: they may be clinical
    for request in repository.open_requests(uow.session, case_id):
        _withdraw(uow, request, reason)


def _withdraw(
    uow: UnitOfWork, request: AccommodationRequest, reason: str, *, replaced_by_version: int | None = None
) -> None:
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
            replaced_by_version=replaced_by_version,
        )
    )


# What a snapshot without the employer's consent leaves of who the worker is.
IDENTITY_WITHHELD: dict[str, object] = {"worker_name": None, "job_title": None}


@handles(*INTAKE_EVENTS, batch=True)
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
