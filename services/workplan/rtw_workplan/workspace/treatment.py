"""What the session log, progress and report pages read of workplan's own data, through its use cases (the
same as the API's `GET /v1/plans/{id}/progress`): a plan's progress as the therapist's role view shows it,
and today's prescription per activity of the phase in force."""

from __future__ import annotations

import uuid
from datetime import date
from typing import Any

from rtw_shared.auth import Principal
from rtw_shared.role_view import role_view
from rtw_shared.uow import UnitOfWork

from .. import policy
from ..plans import service as plans
from ..plans.models import Plan
from ..plans.schemas import ActivityIn, PhaseIn, PlanContent
from ..progress import repository as progress_repository
from ..progress import service as progress
from ..progress import views
from ..progress.schemas import ProgressTherapistView
from ..rules.projections import FeeSchedule
from .wording import demand_name

DAYS_PER_WEEK = 7


def progress_of(uow: UnitOfWork, principal: Principal, plan: Plan, fees: FeeSchedule) -> ProgressTherapistView:
    """The plan's report as of today, as the therapist reads it (each measurement, each recommendation)."""
    policy.reading_role(principal)
    report = progress.report_for(uow, plan, fees)
    shown = views.progress(role_view(principal, plan.case), plan, report, progress.decisions_of(uow, plan))
    assert isinstance(shown, ProgressTherapistView)  # the therapist's role view shows series and recommendations
    return shown


def visible_plan(uow: UnitOfWork, principal: Principal, plan_id: uuid.UUID) -> Plan:
    """The plan (404 outside the therapist's clinic, as the API)."""
    return plans.get_visible_plan(uow=uow, principal=principal, plan_id=plan_id)


def current_phase(plan: Plan, today: date) -> PhaseIn | None:
    """The phase the plan is in today (the next one between phases, the last one after them all)."""
    content = PlanContent.model_validate(plan.content)
    if not content.phases:
        return None
    start = plan.therapy_start_date or content.start_date or today
    week = max(1, (today - start).days // DAYS_PER_WEEK + 1)
    current = [p for p in content.phases if p.start_week <= week <= p.end_week]
    later = [p for p in content.phases if p.start_week > week]
    return current[0] if current else later[0] if later else content.phases[-1]


def phase_activities(plan: Plan, today: date) -> list[ActivityIn]:
    """The activities of the phase the plan is in today."""
    phase = current_phase(plan, today)
    return phase.activities if phase else []


def activity_names(plan: Plan) -> dict[str, str]:
    """Each activity's id and what the therapist calls it."""
    content = PlanContent.model_validate(plan.content)
    return {str(a.id): a.name or a.kind.replace("_", " ") for a in content.activities()}


def todays_prescription(plan: Plan, shown: ProgressTherapistView, today: date) -> list[dict[str, Any]]:
    """Each activity of today's phase with the dose to give today: the last decision's (or, until one is
    taken, the last one given), else the plan's."""
    now = {str(a.activity_id): a.current_prescription.model_dump() for a in shown.activities if a.activity_id}
    return [
        {
            "activity_id": str(a.id),
            "name": a.name,
            "kind": a.kind,
            "demand": a.demand,
            "frequency": a.frequency,
            "prescription": now.get(str(a.id))
            or {"load_kg": a.load_kg, "reps": a.reps, "sets": a.sets, "duration_min": a.duration_min},
        }
        for a in phase_activities(plan, today)
    ]


def reviews_of(uow: UnitOfWork, plan: Plan) -> list[dict[str, Any]]:
    """The case's reviews, oldest first: date, T-score, each goal's attainment (by goal id) and COPM ratings."""
    return [
        {"date": r.review_date, "t_score": r.gas_t_score, "gas": r.gas, "copm": r.copm, "recorded_by": r.recorded_by}
        for r in progress_repository.reviews_of_case(uow.session, plan.case_id)
    ]


def goal_names(plan: Plan) -> dict[str, str]:
    """Each goal's id and what the therapist calls it."""
    content = PlanContent.model_validate(plan.content)
    return {str(g.id): g.description or demand_name(g.demand) for g in content.goals}


def review_rows(plan: Plan, reviews: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The reviews with each goal's attainment named (GAS, as the report keeps it by goal id)."""
    names = goal_names(plan)
    return [
        {**r, "goals": [(names.get(str(g.get("goal_id")), "a goal"), g.get("attainment")) for g in r.get("gas", [])]}
        for r in reviews
    ]
