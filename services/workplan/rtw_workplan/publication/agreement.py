"""An accepted counter-proposal becomes the plan (docs/domain/plans.md, "An agreed counter-proposal"): when
the therapist accepts the employer's counter (`accommodation.decided`, `counter_accepted`), the next plan
version is made from the version the request asked about, with exactly what was agreed — the counter's
accommodations and schedule (an empty list in the counter: the request's stands) and its
`schedule_start_date` when it gives one — and published through the same steps as a therapist's
publication, announced with `agreed_accommodation_id` so the employer links it to the confirmed request
and asks nothing again.

- Once: a version already made from the request is the answer to every later copy of the decision.
- The version asked about must still be in force: a decision on a version a later one already superseded
  changes no plan (the later version stands, and its own request asks the employer about it).
- A draft the therapist has open moves up one version and is rebased on the agreed version: the parts it
  had not changed (accommodations, schedule, its start) follow the agreement; what it changed stays.
- Clinical warnings acknowledged on the version revised carry over while unchanged; the others are
  acknowledged by the acceptance ("accepted counter-proposal <id>", who also publishes). A hard error
  (say, more hours than the job's usual) publishes nothing: the agreement is left as a draft for the
  therapist to correct and publish, unless they already have a draft open."""

from __future__ import annotations

import uuid
from typing import Any

import structlog

from rtw_shared.errors import UnprocessableError
from rtw_shared.events import AccommodationDecidedV1, PlanRevisedV1
from rtw_shared.events.catalogue import CounterOffer
from rtw_shared.messaging.parking import CaseNotKnownYet
from rtw_shared.uow import UnitOfWork

from ..cases import repository as cases
from ..plans import repository
from ..plans.models import Plan
from ..plans.versions import changed_parts
from ..rules import checks
from ..rules.projections import FeeSchedule
from . import service, steps

log = structlog.get_logger("rtw.workplan")
AGREED_PARTS = ("accommodations", "schedule", "schedule_start_date")


def publish_agreement(*, uow: UnitOfWork, event: AccommodationDecidedV1, fees: FeeSchedule) -> Plan | None:
    """Publish the version agreed in an accepted counter-proposal (None: nothing to publish). The caller commits."""
    if not (event.counter_accepted and event.decision == "confirmed" and event.counter is not None):
        return None
    if repository.agreed_version(uow.session, event.accommodation_id) is not None:
        return None  # made already: this is a copy of the same agreement
    case = cases.get(uow.session, event.case_id)
    if case is None:
        raise CaseNotKnownYet(event.case_id)
    if case.ended:
        return None
    draft = repository.open_draft_for_case(uow.session, event.case_id, for_update=True)  # locks as publish does
    in_force = repository.in_force_for_case(uow.session, event.case_id, for_update=True)
    asked = repository.request_of(uow.session, event.accommodation_id)
    if in_force is None or (asked is not None and asked.plan_id != in_force.id):
        log.info(
            "accepted counter-proposal on a version no longer in force: no plan published",
            case_id=str(event.case_id),
            accommodation_id=str(event.accommodation_id),
            asked_version=asked.plan_version if asked else None,
            in_force_version=in_force.version if in_force else None,
        )
        return None
    try:
        with uow.savepoint():  # a hard error undoes it all: the draft's new number, the new version
            agreed = _agreed_version(uow, in_force, draft, event)
            _publish(uow, agreed, in_force, fees, event)
    except UnprocessableError as refused:
        return _left_as_draft(uow, in_force, draft, event, refused)
    if draft is not None:
        uow.emit(
            PlanRevisedV1(
                case_id=draft.case_id,
                plan_id=draft.id,
                version=draft.version,
                previous_plan_id=agreed.id,
                previous_version=agreed.version,
            )
        )
    return agreed


def _by(event: AccommodationDecidedV1) -> str:
    return f"accepted counter-proposal {event.accommodation_id}"


def agreed_content(content: dict[str, Any], counter: CounterOffer, schedule_start: str | None) -> dict[str, Any]:
    """The content of the version in force with what was agreed in its place."""
    agreed = dict(content)
    if counter.accommodations:
        agreed["accommodations"] = [
            {"category": a.category, "description": a.description} for a in counter.accommodations
        ]
    if counter.schedule:
        agreed["schedule"] = [
            {"week": w.week, "hours_per_day": w.hours_per_day, "days_per_week": w.days_per_week, "duties": w.duties}
            for w in sorted(counter.schedule, key=lambda w: w.week)
        ]
    start = counter.schedule_start_date.isoformat() if counter.schedule_start_date else schedule_start
    agreed["schedule_start_date"] = start
    return agreed


def _agreed_version(uow: UnitOfWork, in_force: Plan, draft: Plan | None, event: AccommodationDecidedV1) -> Plan:
    """The new version (added, not yet written): the next number after the version in force. An open draft
    holding that number moves up one and is rebased on it, in one UPDATE (its ETag moves by one)."""
    latest = repository.latest_for_case(uow.session, in_force.case_id)
    version = (latest.version if latest else in_force.version) + 1
    assert event.counter is not None  # publish_agreement returns before without one
    fixed_start = in_force.schedule_start_date.isoformat() if in_force.schedule_start_date else None
    content = agreed_content(in_force.content, event.counter, fixed_start)
    agreed = Plan(
        id=uuid.uuid4(),
        case=in_force.case,
        version=version,
        status="draft",
        content=content,
        previous_plan_id=in_force.id,
        baseline=in_force.baseline,
        seed=in_force.seed,
        agreed_accommodation_id=event.accommodation_id,
        changes=changed_parts(in_force.content, content),
    )
    if draft is not None:
        agreed.version, draft.version = draft.version, version
        _rebase(draft, in_force, agreed)
        uow.session.flush()  # the draft's new number first: (case, version) is unique
    uow.session.add(agreed)
    return agreed


def _publish(uow: UnitOfWork, agreed: Plan, in_force: Plan, fees: FeeSchedule, event: AccommodationDecidedV1) -> None:
    """Publish the agreed version, its warnings acknowledged by the acceptance unless they carry over."""
    who = steps.Acknowledger(_by(event), None, uow.now(), agreed.version)

    def acknowledged(outcome: checks.Outcome, earlier: list[dict[str, Any]]) -> list[dict[str, Any]]:
        every = {w.code for w in outcome.warnings}
        return steps.require_acknowledged(outcome, every, earlier=earlier, who=who)

    service.publish(uow, agreed, in_force, fees, acknowledged=acknowledged, published_by=_by(event), agreed=True)


def _rebase(draft: Plan, in_force: Plan, agreed: Plan) -> None:
    """The therapist's open draft now revises the agreed version: what it had not changed follows the
    agreement; what it changed stays."""
    content = dict(draft.content)
    for part in AGREED_PARTS:
        if content.get(part) == in_force.content.get(part):
            content[part] = agreed.content.get(part)
    draft.content, draft.previous_plan_id = content, agreed.id
    draft.changes = changed_parts(agreed.content, content)


def _left_as_draft(
    uow: UnitOfWork, in_force: Plan, draft: Plan | None, event: AccommodationDecidedV1, refused: UnprocessableError
) -> Plan | None:
    """The agreement fails a hard check: it becomes a draft for the therapist to correct and publish (unless
    they have a draft open already: theirs stands)."""
    log.warning(
        "accepted counter-proposal fails publication's checks: left for the therapist",
        case_id=str(event.case_id),
        accommodation_id=str(event.accommodation_id),
        problems=str(refused),
        draft_open=draft is not None,
    )
    if draft is not None:
        return None
    agreed = _agreed_version(uow, in_force, None, event)
    uow.session.flush()
    uow.emit(
        PlanRevisedV1(
            case_id=agreed.case_id,
            plan_id=agreed.id,
            version=agreed.version,
            previous_plan_id=in_force.id,
            previous_version=in_force.version,
        )
    )
    return agreed
