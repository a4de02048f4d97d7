"""What stands once the therapist accepted an employer's counter-proposal: the counter itself (a list
it left empty keeps what was requested; its weeks dated from its own start or the request's) until
the plan version that puts it into effect is published, then what that version says. Pure: no I/O."""

from __future__ import annotations

from datetime import date
from typing import Any

from . import weeks
from .models import AccommodationRequest


def requested_start(request: AccommodationRequest) -> date | None:
    """The day week 1 of the requested schedule begins (None: not known)."""
    return weeks.start_of(request.schedule, request.schedule_start_date)


def agreed_terms(request: AccommodationRequest) -> dict[str, Any] | None:
    """The agreed schedule and accommodations of `request` (None: no counter-proposal was accepted)."""
    if request.counter_accepted_at is None or request.counter is None:
        return None
    if request.agreed_plan_version is not None:
        return {
            "plan_id": request.agreed_plan_id,
            "plan_version": request.agreed_plan_version,
            "schedule_start_date": request.agreed_schedule_start_date,
            "schedule": request.agreed_schedule or [],
            "accommodations": request.agreed_accommodations or [],
        }
    counter = request.counter
    own_start = weeks.as_date(counter.get("schedule_start_date"))
    start = own_start or requested_start(request)
    schedule = counter.get("schedule") or weeks.dated(request.schedule, start, redate=own_start is not None)
    return {
        "plan_id": None,
        "plan_version": None,
        "schedule_start_date": start,
        "schedule": schedule,
        "accommodations": counter.get("accommodations") or request.accommodations,
    }
