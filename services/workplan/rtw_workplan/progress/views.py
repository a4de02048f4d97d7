"""A computed report as the reader's role view shows it (rtw_shared.role_view): the therapist's has
each dated capacity measurement and each activity's recommendation and decision; the insurer's,
summary numbers only. The JSON answer and the SVG chart are both rendered from what `progress`
returns, so neither can show what the other hides."""

from __future__ import annotations

from dataclasses import asdict

from rtw_shared.role_view import ALWAYS, Field, RoleView

from ..plans.models import Plan
from ..rules.readiness import DemandReadiness
from ..rules.report import CapacityLine, Report
from .models import ProgressionDecision
from .schemas import ProgressInsurerView, ProgressTherapistView

ProgressView = ProgressTherapistView | ProgressInsurerView
# Each key of the report and the field of the role view it reveals.
FIELD_OF = {
    "plan_id": ALWAYS,
    "case_id": ALWAYS,
    "version": ALWAYS,
    "status": ALWAYS,
    "as_of": ALWAYS,
    "therapy_start_date": Field.PROGRESS,
    "adherence": Field.PROGRESS,
    "dosage": Field.PROGRESS,
    "readiness": Field.PROGRESS,
    "gas": Field.PROGRESS,
    "copm": Field.PROGRESS,
    "capacity": Field.PROGRESS,
    "job_match": Field.JOB_MATCH,
    "cost": Field.COST,
    "activities": Field.RECOMMENDATIONS,
}
CAPACITY_FIELD_OF = {
    **dict.fromkeys(("demand", "frequency", "unit", "required", "current", "met", "readiness"), ALWAYS),
    "series": Field.CAPACITY_SERIES,
    "activity_ids": Field.CAPACITY_SERIES,
}
DAYS_PER_WEEK = 7


def _readiness(r: DemandReadiness) -> dict[str, object]:
    fit: dict[str, object] | None = None
    if r.fit is not None:
        fit = {
            "slope_per_week": round(r.fit.slope * DAYS_PER_WEEK, 3),
            "slope_se_per_week": None if r.fit.slope_se is None else round(r.fit.slope_se * DAYS_PER_WEEK, 3),
            "r_squared": None if r.fit.r_squared is None else round(r.fit.r_squared, 3),
            "observations": r.fit.n,
        }
    return {"status": r.status, "ready_on": r.ready_on, "earliest": r.earliest, "latest": r.latest, "fit": fit}


def _capacity(line: CapacityLine) -> dict[str, object]:
    met = line.current is not None and (line.required is None or line.current >= line.required)
    return {
        "demand": line.demand,
        "frequency": line.frequency,
        "unit": line.unit,
        "required": line.required,
        "current": line.current,
        "met": met,
        "readiness": _readiness(line.readiness),
        "series": [{"date": day, "value": value} for day, value in line.series],
        "activity_ids": list(line.activity_ids),
    }


def _common(plan: Plan, report: Report) -> dict[str, object]:
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


def progress(view: RoleView, plan: Plan, report: Report, decisions: list[ProgressionDecision]) -> ProgressView:
    """The report cut to `view`: the therapist's read model when the view has each measurement and
    recommendation, the insurer's (summary numbers) otherwise."""
    data = {
        **_common(plan, report),
        "capacity": [view.cut(_capacity(line), CAPACITY_FIELD_OF) for line in report.capacity],
        "activities": _activities(report, decisions),
    }
    model = ProgressTherapistView if view.shows(Field.CAPACITY_SERIES, Field.RECOMMENDATIONS) else ProgressInsurerView
    return model.model_validate(view.cut(data, FIELD_OF))


def _activities(report: Report, decisions: list[ProgressionDecision]) -> list[dict[str, object]]:
    """Each activity's recommendation, the decision taken on it and the prescription now (by activity)."""
    latest = {decision_key(d): d for d in decisions}  # oldest first: the last one wins
    activities: list[dict[str, object]] = []
    for item in report.activities:
        decision = latest.get(item.key)
        recommended = asdict(item.recommendation.next_prescription)
        activities.append(
            {
                "activity_id": item.activity_id,
                "name": item.name,
                "kind": item.kind,
                "demand": item.demand,
                "frequency": item.frequency,
                "recommendation": item.recommendation.action,
                "reason": item.recommendation.reason,
                "information": item.recommendation.information,
                "recommended_prescription": recommended,
                "decision": _decision(decision),
                # The next prescription follows the therapist's decision; until one is taken, the last one stands.
                "current_prescription": decision.prescription if decision else asdict(item.last_prescribed),
                "capacity": item.capacity,
                "unit": item.unit,
            }
        )
    return activities


def decision_key(decision: ProgressionDecision) -> str:
    """What a decision is kept by: the activity's id; for one done without a plan activity, as its results are."""
    if decision.activity_id is not None:
        return str(decision.activity_id)
    return f"{decision.kind}:{decision.demand or '-'}:{decision.frequency or 'occasional'}"


def _decision(decision: ProgressionDecision | None) -> dict[str, object] | None:
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
