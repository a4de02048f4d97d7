"""An accommodation request as a FHIR R4 Task, cut to the reader's role view (rtw_shared.role_view): the
insurer reads where it stands (status, due date), the employer and the case's therapist what it asks
(accommodations; with the worker's consent, the restrictions and the schedule) and the answer."""

from __future__ import annotations

from typing import Any

from rtw_shared.fhir import terminology as t
from rtw_shared.fhir.resources import Resource, cut, day, reference, resource, shown
from rtw_shared.role_view import ALWAYS, Field, RoleView

from ..accommodations.models import AccommodationRequest
from ..accommodations.weeks import dated

F = Field
# The request's status → Task.status (http://hl7.org/fhir/R4/valueset-task-status.html); `businessStatus`
# keeps the request's own word.
TASK_STATUS = {
    "requested": "requested",
    "confirmed": "accepted",
    "declined": "rejected",
    "countered": "on-hold",
    "expired": "failed",
    "withdrawn": "cancelled",
}
TASK_FIELDS = {
    "status": F.ACCOMMODATION_STATUS,
    "businessStatus": F.ACCOMMODATION_STATUS,
    "intent": ALWAYS,
    "code": ALWAYS,
    "for": ALWAYS,
    "authoredOn": F.ACCOMMODATION_STATUS,
    "lastModified": F.ACCOMMODATION_STATUS,
    "restriction": F.ACCOMMODATION_STATUS,
    "basedOn": F.ACCOMMODATION_DETAIL,
    "description": F.ACCOMMODATION_DETAIL,
    "owner": F.ACCOMMODATION_DETAIL,
    # What the request asks (the insurer reads where it stands only); within it, the restrictions and the
    # schedule by their own fields (the worker's consent).
    "input": F.ACCOMMODATION_DETAIL,
    "output": F.ACCOMMODATION_DETAIL,
}


def task(request: AccommodationRequest, view: RoleView) -> Resource:
    """The request for plan version N's accommodations, addressed to the case's employer."""
    inputs = shown(
        view,
        [
            *((F.ACCOMMODATION_DETAIL, i) for i in _accommodations(request)),
            *((F.RESTRICTIONS, i) for i in _restrictions(request)),
            *((F.SCHEDULE, i) for i in _schedule(request)),
        ],
    )
    found = resource(
        "Task",
        request.id,
        request.updated_at,
        basedOn=[reference("CarePlan", request.plan_id)],
        status=TASK_STATUS[request.status],
        businessStatus=t.concept(text=request.status),
        intent="order",
        code=t.rtw(t.RTW_TASK, "accommodation-request"),
        description=f"Workplace accommodations for plan version {request.plan_version}",
        **{"for": reference("Patient", request.case_id)},
        authoredOn=request.created_at.isoformat(),
        lastModified=request.updated_at.isoformat(),
        owner=reference("Organization", request.employer_org_id),
        restriction={"period": {"end": day(request.due_date)}},
        input=inputs,
        output=_answer(request),
    )
    return cut(view, found, TASK_FIELDS)


def _accommodations(request: AccommodationRequest) -> list[dict[str, Any]]:
    return [
        {
            "type": t.concept(
                t.coding(t.ACCOMMODATION_CATEGORY, a["category"], t.ACCOMMODATION_DISPLAY[a["category"]]),
                text=t.ACCOMMODATION_DISPLAY[a["category"]],
            ),
            "valueString": a["description"],
        }
        for a in request.accommodations
    ]


def _restrictions(request: AccommodationRequest) -> list[dict[str, Any]]:
    found = []
    for r in request.restrictions:
        limit = " ".join(
            f"{r[key]:g} {unit}" for key, unit in (("load_kg", "kg"), ("duration_min", "min")) if r.get(key) is not None
        )
        dates = ", ".join(
            f"{label} {r[key]}"
            for key, label in (("start", "from"), ("review_date", "review"), ("end", "until"))
            if r.get(key)
        )
        text = f"{t.DEMAND_DISPLAY.get(r['demand'], r['demand'])} ({r.get('frequency') or 'any frequency'})"
        found.append(
            {"type": t.rtw(t.RTW_TASK, "restriction"), "valueString": ": ".join(p for p in (text, limit, dates) if p)}
        )
    return found


def _schedule(request: AccommodationRequest) -> list[dict[str, Any]]:
    return [
        {
            "type": t.rtw(t.RTW_TASK, "schedule-week"),
            "valueString": f"Week {w['week']}{_when(w)}: {w['hours_per_day']:g} h a day, "
            f"{w['days_per_week']} days a week, {w['duties']} duties",
        }
        for w in dated(request.schedule, request.schedule_start_date)
    ]


def _when(week: dict[str, Any]) -> str:
    return f" ({week['starts_on']} to {week['ends_on']})" if week.get("starts_on") else ""


def _answer(request: AccommodationRequest) -> list[dict[str, Any]]:
    found = []
    if request.note:
        found.append({"type": t.rtw(t.RTW_TASK, "decision-note"), "valueString": request.note})
    if request.counter:
        found.append(
            {"type": t.rtw(t.RTW_TASK, "counter-proposal"), "valueString": request.counter.get("description", "")}
        )
    return found
