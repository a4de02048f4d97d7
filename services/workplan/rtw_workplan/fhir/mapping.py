"""Workplan's records as FHIR R4 resources, each cut to the reader's role view (rtw_shared.role_view):
the plan's versions (CarePlan), its goals (Goal), and the sessions, GAS T-scores and COPM ratings
(Observation). docs/fhir.md has the tables."""

from __future__ import annotations

import uuid
from datetime import date, timedelta
from typing import Any

from rtw_shared.fhir import terminology as t
from rtw_shared.fhir.resources import Resource, cut, day, reference, resource, shown
from rtw_shared.role_view import ALWAYS, Field, RoleView

from ..plans.models import Plan
from ..plans.views import dated_weeks
from ..progress.models import Review, TreatmentSession

F = Field
# The plan's status → the CarePlan's (RequestStatus), each activity's (CarePlanActivityStatus) and each
# goal's (GoalLifecycleStatus). A superseded version was ended before it ran its course: revoked.
CAREPLAN_STATUS = {
    "draft": "draft",
    "published": "active",
    "superseded": "revoked",
    "completed": "completed",
    "cancelled": "revoked",
}
ACTIVITY_STATUS = {
    "draft": "not-started",
    "published": "in-progress",
    "superseded": "stopped",
    "completed": "completed",
    "cancelled": "cancelled",
}
GOAL_STATUS = {
    "draft": "proposed",
    "published": "active",
    "superseded": "cancelled",
    "completed": "completed",
    "cancelled": "cancelled",
}
CAREPLAN_FIELDS = {
    "identifier": ALWAYS,
    "status": ALWAYS,
    "intent": ALWAYS,
    "title": ALWAYS,
    "replaces": ALWAYS,
    "subject": ALWAYS,
    "created": ALWAYS,
    "period": F.PROGRESS,
    "author": F.CARE_TEAM,
    "goal": F.PLAN_DETAIL,
    "activity": ALWAYS,  # each activity by its own field below
    "note": F.PLAN_DETAIL,
}
UCUM_UNITS = {"kg": t.KG, "min": t.MIN, "h": t.HOUR, "d": t.DAY}


def subject(case_id: uuid.UUID) -> dict[str, Any]:
    return reference("Patient", case_id)


def goal_id(plan: Plan, goal: dict[str, Any]) -> str:
    """A goal of one plan version: its id carries into revisions, so the version joins it (`<goal>-v<n>`)."""
    return f"{goal['id']}-v{plan.version}"


def care_plan(plan: Plan, view: RoleView) -> Resource:
    """One version of the case's plan."""
    content = plan.content
    activities = shown(
        view,
        [
            *((F.PLAN_DETAIL, a) for a in _phase_activities(plan)),
            *((F.SCHEDULE, a) for a in _schedule_activities(plan)),
        ],
    )
    found = resource(
        "CarePlan",
        plan.id,
        plan.updated_at,
        identifier=[
            {"system": f"{t.RTW_BASE}/NamingSystem/plan-version", "value": f"{plan.case.reference} v{plan.version}"}
        ],
        status=CAREPLAN_STATUS[plan.status],
        intent="plan",
        title=f"Return-to-work plan, version {plan.version}",
        replaces=[reference("CarePlan", plan.previous_plan_id)] if plan.previous_plan_id else None,
        subject=subject(plan.case_id),
        period=_period(plan.therapy_start_date, plan.projected_rtw_date),
        created=plan.created_at.isoformat(),
        author=reference("Organization", plan.case.clinic_org_id),
        goal=[reference("Goal", goal_id(plan, g)) for g in content.get("goals", []) if g.get("id")],
        activity=activities,
        note=[{"text": f"Ended: {plan.end_reason}"}] if plan.end_reason else None,
    )
    return cut(view, found, CAREPLAN_FIELDS)


def _period(start: date | None, end: date | None) -> dict[str, str] | None:
    found = {key: day(value) for key, value in (("start", start), ("end", end)) if value}
    return found or None


def _timing(starts: date | None, weeks: int, per_week: int, duration: float, unit: str) -> dict[str, Any]:
    repeat: dict[str, Any] = {"period": 1, "periodUnit": "wk", "duration": duration, "durationUnit": unit}
    if per_week > 0:
        repeat["frequency"] = per_week
    if starts:
        repeat["boundsPeriod"] = {"start": day(starts), "end": day(starts + timedelta(days=7 * weeks - 1))}
    return {"repeat": repeat}


def _phase_activities(plan: Plan) -> list[dict[str, Any]]:
    """Each activity of each phase, as often and as long as its phase's sessions, in the phase's weeks."""
    status = ACTIVITY_STATUS[plan.status]
    start = plan.therapy_start_date or _date(plan.content.get("start_date"))
    found = []
    for phase in plan.content.get("phases", []):
        begins = start + timedelta(days=7 * (phase["start_week"] - 1)) if start else None
        weeks = phase["end_week"] - phase["start_week"] + 1
        timing = _timing(begins, weeks, phase["sessions_per_week"], phase["minutes_per_session"], "min")
        for activity in phase.get("activities", []):
            detail: dict[str, Any] = {
                "code": t.concept(
                    t.coding(t.ACTIVITY_KIND, activity["kind"], t.ACTIVITY_DISPLAY[activity["kind"]]),
                    text=activity.get("name"),
                ),
                "status": status,
                "scheduledTiming": timing,
                "description": f"{phase['name']} (weeks {phase['start_week']}-{phase['end_week']}): {_dose(activity)}",
            }
            if activity.get("demand"):
                detail["reasonCode"] = [t.rtw(t.DEMAND, activity["demand"])]
            if activity.get("load_kg") is not None:
                detail["quantity"] = t.quantity(activity["load_kg"], t.KG)
            found.append({"detail": detail})
    return found


def _dose(activity: dict[str, Any]) -> str:
    parts = [
        f"{activity['load_kg']:g} kg" if activity.get("load_kg") is not None else None,
        f"{activity['reps']} repetitions" if activity.get("reps") is not None else None,
        f"{activity['sets']} sets" if activity.get("sets") is not None else None,
        f"{activity['duration_min']:g} min" if activity.get("duration_min") is not None else None,
        activity.get("frequency"),
    ]
    return ", ".join(p for p in parts if p) or (activity.get("name") or activity["kind"])


def _date(value: str | None) -> date | None:
    return date.fromisoformat(value) if value else None


def _schedule_activities(plan: Plan) -> list[dict[str, Any]]:
    """Each week of the graduated return: hours a day, days a week, modified or full duties, dated."""
    start = plan.schedule_start_date or _date(plan.content.get("schedule_start_date"))
    status = ACTIVITY_STATUS[plan.status]
    found = []
    for week in dated_weeks(plan.content.get("schedule", []), start):
        begins = _date(week.get("starts_on"))
        found.append(
            {
                "detail": {
                    "code": t.rtw(t.DUTIES, week["duties"]),
                    "status": status,
                    "scheduledTiming": _timing(begins, 1, week["days_per_week"], week["hours_per_day"], "h"),
                    "description": f"Week {week['week']} back at work: {week['hours_per_day']:g} h a day, "
                    f"{week['days_per_week']} days a week, {week['duties']} duties",
                }
            }
        )
    return found


def goals(plan: Plan, view: RoleView) -> list[Resource]:
    """The goals of one plan version: what each demand should reach (target, unit), its baseline, and its
    Goal Attainment Scaling row and weight."""
    if not view.shows(F.PLAN_DETAIL):
        return []
    return [_goal(plan, g) for g in plan.content.get("goals", []) if g.get("id")]


def _goal(plan: Plan, goal: dict[str, Any]) -> Resource:
    demand = t.DEMAND_DISPLAY[goal["demand"]]
    description = goal.get("description") or f"{demand}: from {goal['baseline']:g} to {goal['target']:g} {goal['unit']}"
    extension = [
        {"url": f"{t.RTW_EXTENSION}/goal-baseline", "valueQuantity": _amount(goal["baseline"], goal["unit"])},
        {"url": t.GAS_EXTENSION, "extension": _gas(goal)},
    ]
    return resource(
        "Goal",
        goal_id(plan, goal),
        plan.updated_at,
        extension=extension,
        lifecycleStatus=GOAL_STATUS[plan.status],
        description=t.concept(text=description),
        subject=subject(plan.case_id),
        startDate=day(plan.therapy_start_date) if plan.therapy_start_date else None,
        target=[{"measure": t.rtw(t.DEMAND, goal["demand"]), "detailQuantity": _amount(goal["target"], goal["unit"])}],
    )


def _gas(goal: dict[str, Any]) -> list[dict[str, Any]]:
    """The goal's GAS row (what -2 … +2 look like; 0 is the expected outcome, the GAS target) and its weight."""
    found: list[dict[str, Any]] = [{"url": "weight", "valueDecimal": goal.get("weight", 1.0)}]
    for key, level in (("minus_2", "-2"), ("minus_1", "-1"), ("zero", "0"), ("plus_1", "+1"), ("plus_2", "+2")):
        text = (goal.get("gas") or {}).get(key)
        if text:
            found.append({"url": f"level{level}", "valueString": text})
    return found


def _amount(value: float, unit: str) -> dict[str, Any]:
    code = UCUM_UNITS.get(unit)
    return t.quantity(value, code) if code else {"value": value, "unit": unit}


def _therapy() -> list[dict[str, Any]]:
    return [t.concept(t.coding(t.OBSERVATION_CATEGORY, "therapy", "Therapy"))]


def session_observations(case_id: uuid.UUID, rows: list[TreatmentSession], view: RoleView) -> list[Resource]:
    """Each session's summary: attendance, minutes, work simulation, pain before and after, effort (Borg CR10)."""
    if not view.shows(F.ASSESSMENTS):  # session notes and pain: clinical detail, the therapist's
        return []
    return [_session(case_id, row) for row in rows]


def _session(case_id: uuid.UUID, row: TreatmentSession) -> Resource:
    body = row.content
    pain = t.coding(t.LOINC, "72514-3", "Pain severity - 0-10 verbal numeric rating [Score] - Reported")
    parts: list[tuple[str, dict[str, Any]]] = [
        ("attendance", {"valueString": body.get("attendance", row.attendance)}),
        ("session-minutes", {"valueQuantity": t.quantity(body.get("minutes", 0), t.MIN)}),
        ("work-simulation", {"valueBoolean": bool(body.get("work_simulation"))}),
    ]
    if body.get("effort") is not None:
        parts.append(("effort-borg-cr10", {"valueQuantity": t.quantity(body["effort"], t.SCORE)}))
    components = [{"code": t.rtw(t.RTW_OBSERVATION, code), **value} for code, value in parts]
    for key, code in (("pain_before", "pain-before"), ("pain_after", "pain-after")):
        if body.get(key) is not None:
            own = t.coding(t.RTW_OBSERVATION, code, t.OBSERVATION_DISPLAY[code])
            components.append(
                {"code": t.concept(own, pain, text=t.OBSERVATION_DISPLAY[code]), "valueInteger": body[key]}
            )
    return resource(
        "Observation",
        row.id,
        row.updated_at,
        status="amended" if row.revision > 1 else "final",
        category=_therapy(),
        code=t.rtw(t.RTW_OBSERVATION, "session-summary"),
        subject=subject(case_id),
        effectiveDateTime=day(row.session_date),
        component=components,
        note=[{"text": body["note"]}] if body.get("note") else None,
    )


def review_observations(case_id: uuid.UUID, rows: list[Review], view: RoleView) -> list[Resource]:
    """Each review's GAS T-score and COPM means (summary numbers: the insurer too); each COPM problem's
    ratings (the therapist)."""
    if not view.shows(F.PROGRESS):
        return []
    found = []
    for row in rows:
        common = {
            "status": "final",
            "category": _therapy(),
            "subject": subject(case_id),
            "effectiveDateTime": day(row.review_date),
        }
        if row.gas_t_score is not None:
            score = t.quantity(float(row.gas_t_score), t.SCORE)
            found.append(
                resource(
                    "Observation",
                    f"{row.id}-gas",
                    row.created_at,
                    code=t.rtw(t.RTW_OBSERVATION, "gas-t-score"),
                    valueQuantity=score,
                    **common,
                )
            )
        if row.copm:
            found.append(_copm(row, view, common))
    return found


def _copm(row: Review, view: RoleView, common: dict[str, Any]) -> Resource:
    items = row.copm
    means = [
        {
            "code": t.rtw(t.RTW_OBSERVATION, code),
            "valueQuantity": t.quantity(sum(i[key] for i in items) / len(items), t.SCORE),
        }
        for code, key in (("copm-performance", "performance"), ("copm-satisfaction", "satisfaction"))
    ]
    per_problem = [
        {
            "code": t.concept(
                t.coding(t.RTW_OBSERVATION, code, t.OBSERVATION_DISPLAY[code]), text=f"{label}: {item['problem']}"
            ),
            "valueInteger": item[key],
        }
        for item in items
        for code, label, key in (
            ("copm-performance", "Performance", "performance"),
            ("copm-satisfaction", "Satisfaction", "satisfaction"),
        )
    ]
    components = means + shown(view, [(F.ASSESSMENTS, c) for c in per_problem])
    return resource(
        "Observation",
        f"{row.id}-copm",
        row.created_at,
        code=t.rtw(t.RTW_OBSERVATION, "copm"),
        component=components,
        **common,
    )
