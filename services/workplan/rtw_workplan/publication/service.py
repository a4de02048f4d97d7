"""Publishing a plan: a draft becomes the version in force. It is checked (hard errors refused, clinical
warnings acknowledged), its dates and projections are fixed from its progress report, it supersedes
the version in force, its schedule's weeks are armed as timers, and it is announced with the
progress it projects. Takes a Unit of Work and commits it once."""

from __future__ import annotations

import uuid
from datetime import timedelta

from rtw_shared.auth import Principal
from rtw_shared.errors import UnprocessableError
from rtw_shared.uow import UnitOfWork

from ..plans import repository
from ..plans import service as plans
from ..plans.models import Plan
from ..plans.schemas import PlanContent
from ..plans.versions import changed_parts
from ..progress import service as progress
from ..rules import checks
from ..rules.projections import FeeSchedule
from . import steps

REVIEW_INTERVAL = timedelta(days=14)  # the next review, unless the therapist sets it


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
    content = PlanContent.model_validate(plan.content)
    if not content.schedule:
        raise UnprocessableError("schedule: a plan needs at least one week; add the graduated schedule first")
    now = uow.now()
    previous = repository.in_force_for_case(uow.session, plan.case_id, for_update=True)
    with uow.session.no_autoflush:  # one UPDATE of the plan (one revision), after the checks pass
        plan.therapy_start_date = (
            content.start_date or (previous.therapy_start_date if previous else None) or now.date()
        )
        plan.schedule_start_date = content.schedule_start_date
        plan.projected_cost = None  # the draft's figures: computed from its phases below
        report = progress.report_for(uow, plan, fees, now.date())
        outcome = checks.check(content, steps.check_context(plan, content, report))
        warnings = steps.require_acknowledged(outcome, acknowledge)
    plan.status, plan.published_at = "published", now
    plan.schedule_start_date = report.schedule_start
    plan.next_review_date = content.next_review_date or now.date() + REVIEW_INTERVAL
    plan.projected_readiness_date = report.readiness.ready_on
    plan.projected_rtw_date = report.projected_rtw_date
    plan.projected_cost = report.cost_projected
    plan.acknowledged_warnings = [steps.as_dict(w) for w in warnings] or None
    plan.acknowledged_by = principal.subject if warnings else None
    announced = _supersede(uow, previous, plan) if previous else set()
    steps.arm_week_timers(uow.session, plan, content, now, skip=announced)
    uow.session.flush()
    uow.session.refresh(plan, ["updated_at"])
    uow.emit(steps.published_event(plan, content, previous))
    uow.emit(progress.progress_changed(plan, report, now))
    uow.commit()
    return plan


def _supersede(uow: UnitOfWork, previous: Plan, plan: Plan) -> set[int]:
    """End the version in force; the weeks it already announced (not announced again if they began)."""
    announced = repository.announced_weeks(uow.session, previous.id)
    previous.status, previous.ended_at = "superseded", plan.published_at
    previous.end_reason = f"superseded by version {plan.version}"
    repository.cancel_week_timers(uow.session, previous.id)
    if plan.changes is None:
        plan.changes = changed_parts(previous.content, plan.content)
    return announced
