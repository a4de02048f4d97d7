"""What moves plans without a request: intake's case events and workplan's durable timers.

Intake's case events keep workplan's copy of the case (newest snapshot wins) with what a plan starts
from — the job's demands, the case's restrictions, its latest assessment —, open the case's first draft
plan from them (docs/domain/plans.md: "a draft plan exists for every case shortly after the case is
created"), bring an open draft's untouched parts in line when they change (plans/seeding.py), and cancel
the case's open plans once it is withdrawn or closed. The employer's `accommodation.requested` tells which
plan version each request asks about (what a decision on it answers: publication/handlers.py). The timers
(rtw_shared.timers) announce that a graduated schedule's week began; they run in the worker's
TimerLoop on the process clock, inside the Unit of Work that marks them fired."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import cast

from rtw_shared.case_copy import apply_case_events
from rtw_shared.events import (
    INTAKE_EVENTS,
    AccommodationRequestedV1,
    CaseAssessedV1,
    CaseCreatedV1,
    CaseEvent,
    CaseRestrictionsChangedV1,
    Envelope,
)
from rtw_shared.messaging.parking import CaseNotKnownYet
from rtw_shared.messaging.wiring import handles
from rtw_shared.timers import Timer, TimerHandler
from rtw_shared.uow import UnitOfWork

from ..cases import repository as cases
from ..cases.models import CaseCopy
from . import repository, service, versions


@handles(*INTAKE_EVENTS, batch=True)
def on_case_events(uow: UnitOfWork, envelopes: list[Envelope]) -> None:
    """Apply the events' case snapshots, then bring each case's plans in line with its copy. A whole
    run of events takes a few statements, not a few per event. The consumer commits (with the inbox rows)."""
    events = [cast(CaseEvent, envelope.data) for envelope in envelopes]  # the classes registered above
    apply_case_events(uow.session, CaseCopy, events)
    cases.keep_jobs(
        uow.session,
        {e.case_id: e.job.model_dump(mode="json") for e in events if isinstance(e, CaseCreatedV1) and e.job},
    )
    # Act on the copies, not on the events: a late, older event leaves a copy (and its plans) as the
    # newest snapshot says, and applying any event twice changes nothing the second time. So the
    # copies' final state is all that matters, and one pass over them equals one pass per event.
    # (An event without a snapshot, of a case never seen, has no copy: nothing to keep.)
    copies = cases.get_many(uow.session, list(dict.fromkeys(e.case_id for e in events)))
    changed = _keep_case_data(copies, events) | {e.case_id for e in events if isinstance(e, CaseCreatedV1) and e.job}
    opened = service.open_first_drafts(uow=uow, cases=copies)
    service.follow_cases(uow=uow, cases=[c for c in copies if c.case_id in changed], skip={p.case_id for p in opened})
    for case in copies:
        if case.ended:
            service.cancel_open_plans(uow=uow, case=case)


def _keep_case_data(copies: list[CaseCopy], events: list[CaseEvent]) -> set[uuid.UUID]:
    """Keep the restrictions and the latest assessment the events carry on the copies; the cases changed.
    Such an event whose case has no copy (no snapshot ever arrived) waits for it (parked)."""
    by_id = {case.case_id: case for case in copies}
    changed: set[uuid.UUID] = set()
    for event in events:
        if not isinstance(event, CaseRestrictionsChangedV1 | CaseAssessedV1):
            continue
        case = by_id.get(event.case_id)
        if case is None:
            raise CaseNotKnownYet(event.case_id)
        kept = (
            cases.keep_restrictions(case, event)
            if isinstance(event, CaseRestrictionsChangedV1)
            else cases.keep_assessment(case, event)
        )
        if kept:
            changed.add(case.case_id)
    return changed


@handles(AccommodationRequestedV1)
def on_accommodation_requested(uow: UnitOfWork, envelope: Envelope) -> None:
    """Remember which plan version the employer's request asks about (a decision on it names only the request)."""
    event = cast(AccommodationRequestedV1, envelope.data)
    repository.keep_request(
        uow.session,
        accommodation_id=event.accommodation_id,
        case_id=event.case_id,
        plan_id=event.plan_id,
        plan_version=event.plan_version,
    )


def on_schedule_week(uow: UnitOfWork, timer: Timer, now: datetime) -> None:
    """Announce that week n of the plan's schedule began — unless the plan is no longer in force
    (its timers are cancelled then; this guards a timer claimed just before)."""
    plan = repository.get(uow.session, timer.subject_id) if timer.subject_id else None
    if plan is None or plan.status != "published":
        return
    event = versions.week_started_event(plan, int(timer.payload["week"]))
    if event is not None:
        uow.emit(event)


TIMER_HANDLERS: dict[str, TimerHandler] = {repository.WEEK_TIMER: on_schedule_week}
