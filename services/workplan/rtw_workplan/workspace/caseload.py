"""The caseload's facts from workplan itself — each case's open plan versions and, for the one in force,
its review date, sessions behind plan and readiness — through workplan's own use cases (plans.service,
progress.service), the same the API answers from."""

from __future__ import annotations

import uuid

from rtw_shared.auth import Principal
from rtw_shared.uow import UnitOfWork

from ..plans import service as plans
from ..plans.models import Plan
from ..progress import service as progress
from ..rules.projections import FeeSchedule
from .needs import PlanFacts


def plan_facts(
    *, uow: UnitOfWork, principal: Principal, case_ids: list[uuid.UUID], fees: FeeSchedule
) -> dict[uuid.UUID, list[PlanFacts]]:
    """Each case's open plan versions the therapist may see, as the caseload needs them."""
    found = plans.open_plans_of_cases(uow=uow, principal=principal, case_ids=case_ids)
    return {case_id: [_facts(uow, plan, fees) for plan in versions] for case_id, versions in found.items()}


def _facts(uow: UnitOfWork, plan: Plan, fees: FeeSchedule) -> PlanFacts:
    if plan.status != "published":
        return PlanFacts(plan.id, plan.version, plan.status)
    report = progress.report_for(uow, plan, fees)
    behind = sum(max(0, w.planned_sessions - w.delivered_sessions) for w in report.adherence.weeks if w.ended)
    return PlanFacts(
        plan.id,
        plan.version,
        plan.status,
        next_review_date=plan.next_review_date,
        sessions_behind=behind,
        readiness_planned=plan.projected_readiness_date,
        readiness_now=report.readiness.ready_on,
    )
