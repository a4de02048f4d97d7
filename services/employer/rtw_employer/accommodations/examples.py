"""Request bodies shown in /docs and /redoc for an accommodation decision: valid as written (a test
posts each to a pending request)."""

from __future__ import annotations

from fastapi.openapi.models import Example

DECIDE: dict[str, Example] = {
    "confirmed": {
        "summary": "Confirm the request",
        "value": {"decision": "confirmed", "note": "Team lead briefed; pallet jack available"},
    },
    "declined": {
        "summary": "Decline the request",
        "value": {"decision": "declined", "note": "No modified duties available at this site"},
    },
    "countered": {
        "summary": "Offer something else instead",
        "description": "A counter-proposal goes back to the therapist, who may accept it.",
        "value": {
            "decision": "countered",
            "note": "Full days are not possible in week 1",
            "counter": {
                "description": "Half days for two weeks, then full days on modified duties",
                "accommodations": [{"category": "modified_duties", "description": "Packing station, no lifting"}],
                "schedule": [
                    {"week": 1, "hours_per_day": 4, "days_per_week": 5, "duties": "modified"},
                    {"week": 2, "hours_per_day": 4, "days_per_week": 5, "duties": "modified"},
                    {"week": 3, "hours_per_day": 8, "days_per_week": 5, "duties": "modified"},
                ],
            },
        },
    },
}
