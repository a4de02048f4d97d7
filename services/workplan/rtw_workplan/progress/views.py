"""A computed report shaped for the caller's role: the therapist's view has the capacity series and
each activity's recommendation and decision; the insurer's, summary numbers only."""

from __future__ import annotations

from dataclasses import asdict

from ..plans.models import Plan
from ..rules.readiness import DemandReadiness
from ..rules.report import CapacityLine, Report
from .models import ProgressionDecision
from .schemas import ProgressInsurerView, ProgressTherapistView

DAYS_PER_WEEK = 7


def _readiness(r: DemandReadiness) -> dict:
    fit = None
    if r.fit is not None:
        fit = {
            "slope_per_week": round(r.fit.slope * DAYS_PER_WEEK, 3),
            "slope_se_per_week": None if r.fit.slope_se is None else round(r.fit.slope_se * DAYS_PER_WEEK, 3),
            "r_squared": None if r.fit.r_squared is None else round(r.fit.r_squared, 3),
            "observations": r.fit.n,
        }
    return {"status": r.status, "ready_on": r.ready_on, "earliest": r.earliest, "latest": r.latest, "fit": fit}


def _capacity(line: CapacityLine, series: bool) -> dict:
    met = line.current is not None and (line.required is None or line.current >= line.required)
    out = {
        "demand": line.demand,
        "frequency": line.frequency,
        "unit": line.unit,
        "required": line.required,
        "current": line.current,
        "met": met,
        "readiness": _readiness(line.readiness),
    }
    if series:
        out["series"] = [{"date": day, "value": value} for day, value in line.series]
    return out


def _common(plan: Plan, report: Report) -> dict:
    return {
        "plan_id": plan.id,
        "case_id": plan.case_id,
        "version": plan.version,
        "status": plan.status,
        "as_of": report.as_of,
        "therapy_start_date": report.therapy_start,
        "adherence": {**asdict(report.adherence), "weeks": [asdict(w) for w in report.adherence.weeks]},
        "dosage": asdict(report.dosage),
        "job_match": {
            "share": report.job_match.share,
            "met": report.job_match.met,
            "total": report.job_match.total,
            "dot_strength_level_reached": report.dot_level_reached,
        },
        "readiness": {
            "projected_readiness_date": report.readiness.ready_on,
            "earliest": report.readiness.earliest,
            "latest": report.readiness.latest,
            "projected_rtw_date": report.projected_rtw_date,
            "schedule_start_date": report.schedule_start,
        },
        "gas": {
            "reviews": [{"date": g.review_date, "t_score": g.t_score} for g in report.gas],
            "latest_t_score": report.gas_latest,
            "change": report.gas_change,
        },
        "copm": {
            "first": asdict(report.copm_first) if report.copm_first else None,
            "latest": asdict(report.copm_latest) if report.copm_latest else None,
            "change": asdict(report.copm_change) if report.copm_change else None,
        },
        "cost": {"projected": report.cost_projected, "actual": report.cost_actual},
    }


def insurer_view(plan: Plan, report: Report) -> ProgressInsurerView:
    """Summary numbers: adherence, dosage, capacity against the job, readiness, GAS, COPM, cost."""
    return ProgressInsurerView.model_validate(
        {**_common(plan, report), "capacity": [_capacity(line, series=False) for line in report.capacity]}
    )


def therapist_view(plan: Plan, report: Report, decisions: list[ProgressionDecision]) -> ProgressTherapistView:
    """Everything, with each activity's recommendation, the decision taken on it and the prescription now."""
    latest = {(d.kind, d.demand): d for d in decisions}  # oldest first: the last one wins
    activities = []
    for item in report.activities:
        decision = latest.get((item.kind, item.demand))
        recommended = asdict(item.recommendation.next_prescription)
        activities.append(
            {
                "kind": item.kind,
                "demand": item.demand,
                "recommendation": item.recommendation.action,
                "reason": item.recommendation.reason,
                "recommended_prescription": recommended,
                "decision": _decision(decision),
                # The next prescription follows the therapist's decision; until one is taken, the last one stands.
                "current_prescription": decision.prescription if decision else asdict(item.last_prescribed),
            }
        )
    return ProgressTherapistView.model_validate(
        {
            **_common(plan, report),
            "capacity": [_capacity(line, series=True) for line in report.capacity],
            "activities": activities,
        }
    )


def _decision(decision: ProgressionDecision | None) -> dict | None:
    if decision is None:
        return None
    return {
        "session_id": str(decision.session_id),
        "recommended": decision.recommended,
        "chosen": decision.chosen,
        "overridden": decision.overridden,
        "reason": decision.reason,
        "decided_at": decision.created_at.isoformat(),
    }
