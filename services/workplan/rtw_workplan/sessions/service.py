"""Session log use cases: record (idempotently), correct by a new revision, read, and decide on a
progression recommendation. Each takes a Unit of Work and commits it at most once; every change
announces the session (dosage facts only) and the plan's recomputed progress."""

from __future__ import annotations

import hashlib
import json
import uuid
from dataclasses import asdict, dataclass
from datetime import date

from rtw_shared.auth import Principal
from rtw_shared.concurrency import check_if_match
from rtw_shared.errors import ConflictError, NotFoundError, UnprocessableError
from rtw_shared.events import PlanSessionLoggedV1
from rtw_shared.pagination import decode_cursor, page
from rtw_shared.uow import UnitOfWork

from .. import policy
from ..clinics import service as clinics
from ..plans import repository as plans_repository
from ..plans import service as plans
from ..plans.models import Plan
from ..plans.schemas import PlanContent
from ..progress import repository as progress_repository
from ..progress import service as progress
from ..progress.models import ProgressionDecision, SessionRevision, TreatmentSession
from ..rules import progression
from ..rules.facts import ActivityResult
from ..rules.projections import FeeSchedule
from ..rules.report import baseline_facts, recommendations_after, session_facts
from . import activities
from .schemas import DecisionIn, SessionCorrectionIn, SessionIn


def body_sha256(data: SessionIn) -> str:
    """The fingerprint of a session body (the same key must come with the same body)."""
    return hashlib.sha256(json.dumps(data.model_dump(mode="json"), sort_keys=True).encode()).hexdigest()


def log_session(
    *,
    uow: UnitOfWork,
    principal: Principal,
    plan_id: uuid.UUID,
    data: SessionIn,
    idempotency_key: str | None,
    fees: FeeSchedule,
) -> tuple[TreatmentSession, bool]:
    """Record a session of the plan in force; (the session, True) when the key's earlier POST made it."""
    plan = plans.plan_in_force(uow=uow, principal=principal, plan_id=plan_id, action="given sessions")
    digest = body_sha256(data)
    earlier = _replayed(uow, plan, idempotency_key, digest)
    if earlier is not None:
        return earlier, True
    _check_date(plan, data, today=uow.now().date())
    content = activities.resolved(plan.content, data)
    row = TreatmentSession(
        id=uuid.uuid4(),
        case_id=plan.case_id,
        plan_id=plan.id,
        idempotency_key=idempotency_key,
        request_sha256=digest,
        revision=1,
        session_date=data.date,
        attendance=data.attendance,
        content=content,
        recorded_by=principal.subject,
    )
    first = SessionRevision(session_id=row.id, revision=1, content=content, recorded_by=principal.subject)
    if not progress_repository.add_session(uow.session, row, first):  # a concurrent retry with the same key won
        return _replayed(uow, plan, idempotency_key, digest) or row, True
    uow.emit(_logged(plan, row))
    progress.announce(uow, plan, fees)
    uow.commit()
    return row, False


def _replayed(uow: UnitOfWork, plan: Plan, key: str | None, digest: str) -> TreatmentSession | None:
    if key is None:
        return None
    earlier = progress_repository.session_by_idempotency_key(uow.session, plan.case_id, key)
    if earlier is not None and earlier.request_sha256 != digest:
        raise UnprocessableError(
            "Idempotency-Key: this key was used for another session body; use a new key for a new session",
            field="Idempotency-Key",
        )
    return earlier


def _check_date(plan: Plan, data: SessionIn, *, today: date) -> None:
    if data.date > today:
        raise UnprocessableError(
            f"date: a session cannot be logged ahead of time ({data.date} is after {today})", field="date"
        )
    if plan.therapy_start_date and data.date < plan.therapy_start_date:
        raise UnprocessableError(
            f"date: {data.date} is before the treatment began ({plan.therapy_start_date})", field="date"
        )


def _logged(plan: Plan, row: TreatmentSession) -> PlanSessionLoggedV1:
    content = row.content
    return PlanSessionLoggedV1(
        case_id=plan.case_id,
        plan_id=plan.id,
        version=plan.version,
        session_id=row.id,
        revision=row.revision,
        session_date=row.session_date,
        attendance=row.attendance,
        minutes=content["minutes"],
        work_simulation=content["work_simulation"],
    )


def correct_session(
    *,
    uow: UnitOfWork,
    principal: Principal,
    plan_id: uuid.UUID,
    session_id: uuid.UUID,
    correction: SessionCorrectionIn,
    if_match: str | None,
    fees: FeeSchedule,
) -> TreatmentSession:
    """Correct a session by a new revision (the earlier ones stay); 412 when If-Match is stale."""
    data, reason = correction.session, correction.reason
    plan = policy.editable(principal, plans_repository.get(uow.session, plan_id), plan_id)
    row = _session_of(uow, plan, session_id, for_update=True)
    check_if_match(if_match, row.revision, what=f"session {session_id}")
    if plan.case.ended:
        raise ConflictError(f"the case is {plan.case.status}; its sessions can no longer be corrected")
    _check_date(plan, data, today=uow.now().date())
    logged_under = plans_repository.get(uow.session, row.plan_id) or plan
    content = activities.resolved(logged_under.content, data)
    row.revision += 1
    row.content, row.session_date, row.attendance = content, data.date, data.attendance
    progress_repository.add_session_revision(
        uow.session,
        SessionRevision(
            session_id=row.id, revision=row.revision, content=content, reason=reason, recorded_by=principal.subject
        ),
    )
    uow.session.refresh(row, ["updated_at"])
    uow.emit(_logged(plan, row))
    progress.announce_for_case(uow, plan.case_id, fees)
    uow.commit()
    return row


def _session_of(uow: UnitOfWork, plan: Plan, session_id: uuid.UUID, *, for_update: bool = False) -> TreatmentSession:
    row = progress_repository.get_session(uow.session, session_id, for_update=for_update)
    if row is None or row.case_id != plan.case_id:
        raise NotFoundError(f"session {session_id} not found")
    return row


def readable_plan(*, uow: UnitOfWork, principal: Principal, plan_id: uuid.UUID) -> Plan:
    """The plan whose session log the caller reads (403 for roles that read no sessions, 404 if not theirs)."""
    policy.require_session_reader(principal)
    return plans.get_visible_plan(uow=uow, principal=principal, plan_id=plan_id)


def list_sessions(
    *, uow: UnitOfWork, principal: Principal, plan_id: uuid.UUID, cursor: str | None, limit: int
) -> tuple[list[TreatmentSession], str | None]:
    """One page of the session log of the plan's case (every version's), most recently recorded first."""
    plan = readable_plan(uow=uow, principal=principal, plan_id=plan_id)
    rows = progress_repository.session_page_of_case(
        uow.session, plan.case_id, after=decode_cursor(cursor), limit=limit + 1
    )
    shown: list[TreatmentSession]
    next_cursor: str | None
    shown, next_cursor = page(rows, limit, key=lambda row: (row.created_at, row.id))
    return shown, next_cursor


def get_session(
    *, uow: UnitOfWork, principal: Principal, plan_id: uuid.UUID, session_id: uuid.UUID
) -> tuple[TreatmentSession, list[SessionRevision]]:
    """One session with every revision."""
    plan = readable_plan(uow=uow, principal=principal, plan_id=plan_id)
    row = _session_of(uow, plan, session_id)
    return row, progress_repository.session_revisions(uow.session, row.id)


@dataclass(frozen=True)
class Recommended:
    """One activity of a session, what the rule recommends after it, and what the plan calls the activity."""

    result: ActivityResult
    recommendation: progression.Recommendation
    name: str


def recommendations(
    *, uow: UnitOfWork, row: TreatmentSession, fees: FeeSchedule, plan: Plan | None = None
) -> list[Recommended]:
    """The recommendation per activity of the session, from the case's log up to it, by the clinic's rule
    (pain compared with the plan's baseline)."""
    plan = plan or plans_repository.get(uow.session, row.plan_id)
    assert plan is not None  # a session's plan_id is a foreign key to its plan
    logged = progress_repository.sessions_of_case(uow.session, row.case_id)
    index = next(i for i, s in enumerate(logged) if s.id == row.id)
    rules = clinics.rules_for(uow=uow, clinic_org_id=plan.case.clinic_org_id, defaults=fees)
    assessed = baseline_facts(plan.baseline)
    names = {str(a.id): a.name or "" for a in PlanContent.model_validate(plan.content).activities()}
    facts = [session_facts(s.content) for s in logged]
    return [
        Recommended(result, rec, names.get(result.key) or result.label)
        for result, rec in recommendations_after(facts, index, rules.thresholds, assessed.pain if assessed else None)
    ]


def _decided_on(found: list[Recommended], data: DecisionIn) -> Recommended:
    """The recommendation the decision is about: by activity id, else by kind, demand (and frequency)."""
    if data.activity_id is not None:
        matches = [r for r in found if r.result.activity_id == str(data.activity_id)]
        what = f"activity {data.activity_id}"
    else:
        matches = [
            r
            for r in found
            if (r.result.kind, r.result.demand) == (data.kind, data.demand)
            and data.frequency in (None, r.result.frequency)
        ]
        what = f"{data.kind} activity on {data.demand}"
    if not matches:
        raise UnprocessableError(f"the session has no {what}: nothing to decide", field="activity_id")
    if len({r.result.key for r in matches}) > 1:
        names = ", ".join(f"{r.result.activity_id or r.result.key} ({r.name})" for r in matches)
        raise UnprocessableError(
            f"the session has several {what}: name it by activity_id ({names})", field="activity_id"
        )
    return matches[-1]


def decide(
    *,
    uow: UnitOfWork,
    principal: Principal,
    plan_id: uuid.UUID,
    session_id: uuid.UUID,
    data: DecisionIn,
    fees: FeeSchedule,
) -> ProgressionDecision:
    """Accept or override the recommendation for one activity of a session; both are kept."""
    plan = plans.plan_in_force(uow=uow, principal=principal, plan_id=plan_id, action="progressed")
    row = _session_of(uow, plan, session_id)
    decided = _decided_on(recommendations(uow=uow, row=row, plan=plan, fees=fees), data)
    result, recommended = decided.result, decided.recommendation
    rules = clinics.rules_for(uow=uow, clinic_org_id=plan.case.clinic_org_id, defaults=fees)
    chosen = recommended.action if data.decision == "accept" else data.chosen
    assert chosen is not None  # DecisionIn refuses an override that does not name what is chosen
    if data.prescription is not None and data.decision == "override":
        prescription = data.prescription.model_dump()
    else:
        prescription = asdict(progression.next_dose(chosen, result, rules.thresholds))
    decision = ProgressionDecision(
        case_id=plan.case_id,
        plan_id=plan.id,
        session_id=row.id,
        activity_id=uuid.UUID(result.activity_id) if result.activity_id else None,
        kind=result.kind,
        demand=result.demand,
        frequency=result.frequency,
        recommended=recommended.action,
        recommended_reason=recommended.reason,
        recommended_prescription=asdict(recommended.next_prescription),
        chosen=chosen,
        overridden=data.decision == "override",
        reason=data.reason,
        prescription=prescription,
        decided_by=principal.subject,
    )
    progress_repository.add(uow.session, decision)
    uow.commit()
    return decision
