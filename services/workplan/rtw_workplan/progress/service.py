"""Progress use cases: compute a plan's report from its case's session log and reviews, announce it,
record reviews and progression decisions. Each takes a Unit of Work and commits it at most once."""

from __future__ import annotations

import uuid
from datetime import date, datetime
from decimal import Decimal

from rtw_shared.auth import Principal
from rtw_shared.errors import UnprocessableError
from rtw_shared.events import PlanProgressChangedV1
from rtw_shared.uow import UnitOfWork

from ..clinics import service as clinics
from ..plans import repository as plans
from ..plans.models import Plan
from ..plans.schemas import GoalIn, PlanContent
from ..rules import scores
from ..rules.facts import PhaseFacts
from ..rules.projections import FeeSchedule
from ..rules.report import Inputs, Report, baseline_facts, build, session_facts
from . import repository
from .models import ProgressionDecision, Review
from .schemas import ReviewIn


def therapy_start(plan: Plan, content: PlanContent, as_of: date) -> date:
    """Week 1 of the phases: fixed at publication; for a draft, its start date or today."""
    return plan.therapy_start_date or content.start_date or as_of


def inputs_for(
    uow: UnitOfWork,
    plan: Plan,
    fees: FeeSchedule,
    rules: clinics.ClinicRules,
    as_of: date,
    therapy_start_on: date | None = None,
) -> Inputs:
    """Everything the report of `plan` is computed from, read from the database (`therapy_start_on`: week 1
    of a draft's phases as publication would fix it)."""
    content = PlanContent.model_validate(plan.content)
    logged = repository.sessions_of_case(uow.session, plan.case_id)
    reviews = repository.reviews_of_case(uow.session, plan.case_id)
    activities = content.activities()
    return Inputs(
        as_of=as_of,
        therapy_start=therapy_start_on or therapy_start(plan, content, as_of),
        schedule_start=plan.schedule_start_date or content.schedule_start_date,
        schedule_last_week=max((w.week for w in content.schedule), default=0),
        phases=tuple(
            PhaseFacts(p.start_week, p.end_week, p.sessions_per_week, p.minutes_per_session) for p in content.phases
        ),
        goals=tuple(content.goals),
        job=plan.case.job,
        sessions=tuple(session_facts(s.content) for s in logged),
        reviews=tuple((r.review_date, _num(r.gas_t_score), r.copm) for r in reviews),
        fees=fees,
        rule=rules.thresholds,
        fixed_projected_cost=_num(plan.projected_cost),
        baseline=baseline_facts(plan.baseline),
        activity_names={str(a.id): a.name or "" for a in activities},
        planned=tuple((str(a.id), a.demand, a.frequency) for a in activities),
    )


def report_for(
    uow: UnitOfWork,
    plan: Plan,
    defaults: FeeSchedule,
    as_of: date | None = None,
    *,
    therapy_start: date | None = None,
) -> Report:
    """The plan's progress report as of a day (today by default), with its clinic's fees and rule."""
    rules = clinics.rules_for(uow=uow, clinic_org_id=plan.case.clinic_org_id, defaults=defaults)
    return build(inputs_for(uow, plan, rules.fees, rules, as_of or uow.now().date(), therapy_start))


def progress_changed(plan: Plan, report: Report, computed_at: datetime) -> PlanProgressChangedV1:
    """The numbers the insurer's status shows, as an event (ids and numbers only)."""
    return PlanProgressChangedV1(
        case_id=plan.case_id,
        plan_id=plan.id,
        version=plan.version,
        computed_at=computed_at,
        sessions_attended=report.dosage.sessions_attended,
        adherence=report.adherence.sessions,
        minutes_adherence=report.adherence.minutes,
        job_match=report.job_match.share,
        demands_met=report.job_match.met,
        demands_total=report.job_match.total,
        dot_strength_level_reached=report.dot_level_reached,
        gas_t_score=report.gas_latest,
        projected_readiness_date=report.readiness.ready_on,
        projected_rtw_date=report.projected_rtw_date,
        cost_projected=report.cost_projected,
        cost_actual=report.cost_actual,
    )


def announce(uow: UnitOfWork, plan: Plan, defaults: FeeSchedule) -> Report:
    """Recompute the published plan's progress and emit it (the caller commits)."""
    report = report_for(uow, plan, defaults)
    uow.emit(progress_changed(plan, report, uow.now()))
    return report


def announce_for_case(uow: UnitOfWork, case_id: uuid.UUID, defaults: FeeSchedule) -> None:
    """Announce the progress of the case's plan in force, if one is (the caller commits)."""
    plan = plans.in_force_for_case(uow.session, case_id)
    if plan is not None:
        announce(uow, plan, defaults)


def record_review(
    *, uow: UnitOfWork, principal: Principal, plan: Plan, data: ReviewIn, defaults: FeeSchedule
) -> tuple[Review, Report]:
    """Record a review of a plan in force: GAS attainment per goal (T-score computed) and COPM ratings."""
    content = PlanContent.model_validate(plan.content)
    goals = [goal_scored(content, item.goal_id, item.goal, field=f"gas.{i}") for i, item in enumerate(data.gas)]
    scored = [(goal.weight, item.attainment) for goal, item in zip(goals, data.gas, strict=True)]
    t_score = _t_score(scored)
    review = Review(
        case_id=plan.case_id,
        plan_id=plan.id,
        review_date=data.date,
        gas=[
            {
                "goal_id": str(goal.id),
                "goal": content.goals.index(goal),
                "weight": goal.weight,
                "attainment": g.attainment,
            }
            for g, goal in zip(data.gas, goals, strict=True)
        ],
        copm=[c.model_dump() for c in data.copm],
        gas_t_score=t_score,
        recorded_by=principal.subject,
    )
    repository.add(uow.session, review)
    report = announce(uow, plan, defaults)
    uow.commit()
    return review, report


def goal_scored(content: PlanContent, goal_id: uuid.UUID | None, index: int | None, *, field: str) -> GoalIn:
    """The goal a GAS score names: by its id (or, as before ids, by its position); 422 when there is none."""
    if goal_id is not None:
        found = next((g for g in content.goals if g.id == goal_id), None)
        if found is None:
            raise UnprocessableError(f"{field}.goal_id: the plan has no goal {goal_id}", field=f"{field}.goal_id")
        return found
    if index is None or index >= len(content.goals):
        raise UnprocessableError(
            f"{field}.goal: the plan has {len(content.goals)} goals; goal {index} does not exist", field="gas"
        )
    return content.goals[index]


def _t_score(scored: list[tuple[float, int]]) -> float | None:
    if not scored:
        return None
    try:
        return scores.gas_t_score(scored)
    except ValueError as error:  # every weight zero
        raise UnprocessableError(f"gas: {error}", field="gas") from error


def _num(value: Decimal | float | None) -> float | None:
    return None if value is None else float(value)


def decisions_of(uow: UnitOfWork, plan: Plan) -> list[ProgressionDecision]:
    """The case's progression decisions, oldest first."""
    return repository.decisions_of_case(uow.session, plan.case_id)
