"""Request bodies shown in /docs and /redoc for the session log: valid as written (a test posts each to
a plan filled with rtw_workplan.plans.examples and published)."""

from __future__ import annotations

from fastapi.openapi.models import Example

LOG_SESSION: dict[str, Example] = {
    "attended": {
        "summary": "An attended session",
        "description": "What was prescribed and achieved per activity; the answer recommends the next step.",
        "value": {
            "date": "2026-11-04",
            "attendance": "attended",
            "minutes": 90,
            "work_simulation": True,
            "pain_before": 3,
            "pain_after": 4,
            "effort": 5,
            "note": "Tolerated the lifts well; mild stiffness after the last set.",
            "activities": [
                {
                    "kind": "work_simulation",
                    "demand": "lift_floor_waist",
                    "prescribed": {"load_kg": 10, "reps": 10, "sets": 3},
                    "achieved": {"load_kg": 10, "reps": 10, "sets": 3},
                },
                {
                    "kind": "conditioning",
                    "demand": "stand",
                    "prescribed": {"duration_min": 60},
                    "achieved": {"duration_min": 60},
                },
            ],
        },
    },
    "missed": {
        "summary": "A missed session",
        "description": "Cancelled or missed: the reason, and no minutes or activities.",
        "value": {"date": "2026-11-06", "attendance": "no_show", "absence_reason": "Did not come; phoned later"},
    },
}
