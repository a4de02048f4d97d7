"""Publishing a plan: a draft becomes the version in force. It is checked (hard errors refused, clinical
warnings acknowledged — or carried over from the version revised while their cause is unchanged), its
dates and projections are fixed from its progress report, it supersedes the version in force, its
schedule's weeks are armed as timers, and it is announced with the progress it projects.

Two ways in: a therapist publishes a draft (`publish_plan`), or the therapist's acceptance of an
employer's counter-proposal publishes exactly what was agreed (agreement.py) — through the same steps
(`publish`). A draft's projections — what publishing it today would fix — are `draft_projections`; what
publishing content not yet saved would meet (the plan builder's live checks), `preview_draft`."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from rtw_shared.auth import Principal
from rtw_shared.errors import UnprocessableError
from rtw_shared.uow import UnitOfWork

from ..plans import repository
from ..plans import service as plans
from ..plans.models import Plan
from ..plans.schemas import PlanContent
from ..plans.versions import changed_parts
from ..plans.views import Projections
from ..progress import service as progress
from ..rules import checks
from ..rules.projections import FeeSchedule
from . import steps

REVIEW_INTERVAL = timedelta(days=14)  # the next review, unless the therapist sets it
Acknowledge = Callable[[checks.Outcome, list[dict[str, Any]]], list[dict[str, Any]]]


def publish_plan(
    *,
    uow: UnitOfWork,
    principal: Principal,
    plan_id: uuid.UUID,
    fees: FeeSchedule,
    acknowledge: list[str],
    if_match: str | None,
) -> Plan:
    """Publish a draft: check it, fix its dates and projections, supersede the version in force, arm the
    schedule's timers and announce it (422 listing every problem, or the warnings to acknowledge)."""
    plan = plans.editable_draft(uow=uow, principal=principal, plan_id=plan_id, if_match=if_match, action="published")
    previous = repository.in_force_for_case(uow.session, plan.case_id, for_update=True)
    who = steps.Acknowledger(principal.subject, principal.username, uow.now(), plan.version)

    def acknowledged(outcome: checks.Outcome, earlier: list[dict[str, Any]]) -> list[dict[str, Any]]:
        return steps.require_acknowledged(outcome, set(acknowledge), earlier=earlier, who=who)

    publish(uow, plan, previous, fees, acknowledged=acknowledged, published_by=principal.subject)
    uow.commit()
    return plan


def publish(
    uow: UnitOfWork,
    plan: Plan,
    previous: Plan | None,
    fees: FeeSchedule,
    *,
    acknowledged: Acknowledge,
    published_by: str,
    agreed: bool = False,
) -> None:
    """The steps of publication, for a draft and the version in force it supersedes (the caller commits).
    `agreed`: the version is an agreement with the employer (announced as such)."""
    content = PlanContent.model_validate(plan.content)
    if not content.schedule:
        raise UnprocessableError("schedule: a plan needs at least one week; add the graduated schedule first")
    now = uow.now()
    earlier = _acknowledged_before(uow, plan, previous)
    with uow.session.no_autoflush:  # one UPDATE of the plan (one revision), after the checks pass
        plan.therapy_start_date = _therapy_start(content, previous, now.date())
        plan.schedule_start_date = content.schedule_start_date
        plan.projected_cost = None  # the draft's figures: computed from its phases below
        report = progress.report_for(uow, plan, fees, now.date())
        outcome = checks.check(content, steps.check_context(plan, content, report))
        warnings = acknowledged(outcome, earlier)
        plan.status, plan.published_at, plan.published_by = "published", now, published_by
        plan.schedule_start_date = report.schedule_start
        plan.next_review_date = content.next_review_date or now.date() + REVIEW_INTERVAL
        plan.projected_readiness_date = report.readiness.ready_on
        plan.projected_rtw_date = report.projected_rtw_date
        plan.projected_cost = report.cost_projected
        plan.acknowledged_warnings = warnings or None
        plan.acknowledged_by = published_by if warnings else None
        if previous is not None and plan.changes is None:
            plan.changes = changed_parts(previous.content, plan.content)
    announced = _supersede(uow, previous, plan) if previous else set()
    steps.arm_week_timers(uow.session, plan, content, now, skip=announced)
    uow.session.flush()
    uow.session.refresh(plan, ["updated_at"])
    uow.emit(steps.published_event(plan, content, previous, agreed=agreed))
    uow.emit(progress.progress_changed(plan, report, now))


def _therapy_start(content: PlanContent, previous: Plan | None, today: date) -> date:
    """Week 1 of the phases: as the content says; else the revised version's; else today."""
    return content.start_date or (previous.therapy_start_date if previous else None) or today


def _acknowledged_before(uow: UnitOfWork, plan: Plan, previous: Plan | None) -> list[dict[str, Any]]:
    """The warnings acknowledged on the version the draft revises (they carry over while unchanged)."""
    revised = previous if previous is not None and previous.id == plan.previous_plan_id else None
    if revised is None and plan.previous_plan_id is not None:
        revised = repository.get(uow.session, plan.previous_plan_id)
    return list(revised.acknowledged_warnings or []) if revised else []


def _supersede(uow: UnitOfWork, previous: Plan, plan: Plan) -> set[int]:
    """End the version in force; the weeks it already announced (not announced again if they began)."""
    announced = repository.announced_weeks(uow.session, previous.id)
    previous.status, previous.ended_at = "superseded", plan.published_at
    previous.end_reason = f"superseded by version {plan.version}"
    repository.cancel_week_timers(uow.session, previous.id)
    return announced


def draft_projections(uow: UnitOfWork, plan: Plan, fees: FeeSchedule) -> Projections | None:
    """What publishing the draft today would fix (None for a version that is no draft: its own stand).
    Reads only: the draft is not touched."""
    if plan.status != "draft":
        return None
    content = PlanContent.model_validate(plan.content)
    today = uow.now().date()
    previous = repository.get(uow.session, plan.previous_plan_id) if plan.previous_plan_id else None
    report = progress.report_for(uow, plan, fees, today, therapy_start=_therapy_start(content, previous, today))
    return Projections(
        projected_rtw_date=report.projected_rtw_date,
        projected_cost=report.cost_projected,
        projected_readiness_date=report.readiness.ready_on,
        schedule_start_date=report.schedule_start,
    )


@dataclass(frozen=True)
class Preview:
    """What publishing a draft's content would meet (the plan builder's live checks): its hard errors, its
    warnings — each with whether it is acknowledged already on the version revised (it carries over) — and
    the dates and cost it would fix."""

    errors: tuple[checks.Problem, ...]
    warnings: tuple[tuple[checks.Problem, bool], ...]
    projections: Projections


def preview_draft(
    *, uow: UnitOfWork, principal: Principal, plan_id: uuid.UUID, content: PlanContent, fees: FeeSchedule
) -> Preview:
    """The checks and projections publishing the draft with `content` today would meet; nothing is written
    (the content is put on the draft only in this session, never flushed, and put back as it was loaded)."""
    plan = plans.editable_draft(uow=uow, principal=principal, plan_id=plan_id, if_match=None, action="checked")
    previous = repository.get(uow.session, plan.previous_plan_id) if plan.previous_plan_id else None
    today = uow.now().date()
    saved = plan.content
    with uow.session.no_autoflush:
        plan.content = content.stored()
        try:
            therapy_start = _therapy_start(content, previous, today)
            report = progress.report_for(uow, plan, fees, today, therapy_start=therapy_start)
            outcome = checks.check(content, steps.check_context(plan, content, report))
            earlier = {(w["code"], w["message"]) for w in _acknowledged_before(uow, plan, previous)}
        finally:
            repository.restore_content(plan, saved)  # as loaded: the typed content never reaches the row
    return Preview(
        errors=outcome.errors,
        warnings=tuple((w, (w.code, w.message) in earlier) for w in outcome.warnings),
        projections=Projections(
            projected_rtw_date=report.projected_rtw_date,
            projected_cost=report.cost_projected,
            projected_readiness_date=report.readiness.ready_on,
            schedule_start_date=report.schedule_start,
        ),
    )
