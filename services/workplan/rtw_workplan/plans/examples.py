"""Request bodies shown in /docs and /redoc for the plan endpoints: valid as written (a test puts each)."""

from __future__ import annotations

from fastapi.openapi.models import Example

FILL_PLAN: dict[str, Example] = {
    "work_hardening": {
        "summary": "Four weeks of work hardening, then a graduated return",
        "description": "Replaces the whole draft: send every part you want to keep.",
        "value": {
            "start_date": "2026-11-02",
            "schedule_start_date": "2026-11-30",
            "goals": [
                {
                    "demand": "lift_floor_waist",
                    "baseline": 10,
                    "target": 23,
                    "unit": "kg",
                    "description": "Lift a 23 kg tote from floor to waist, occasionally",
                    "weight": 2,
                },
                {"demand": "stand", "baseline": 60, "target": 480, "unit": "min", "weight": 1},
            ],
            "phases": [
                {
                    "name": "Work hardening",
                    "start_week": 1,
                    "end_week": 4,
                    "sessions_per_week": 3,
                    "minutes_per_session": 90,
                    "activities": [
                        {"kind": "work_simulation", "demand": "lift_floor_waist", "load_kg": 10, "reps": 10, "sets": 3}
                    ],
                }
            ],
            "schedule": [
                {"week": 1, "hours_per_day": 4, "days_per_week": 5, "duties": "modified"},
                {"week": 2, "hours_per_day": 6, "days_per_week": 5, "duties": "modified"},
                {"week": 3, "hours_per_day": 8, "days_per_week": 5, "duties": "full"},
            ],
            "restrictions": [{"demand": "lift_floor_waist", "frequency": "occasional", "load_kg": 15}],
            "accommodations": [
                {"category": "modified_duties", "description": "No floor-level lifting over 15 kg"},
                {"category": "rest_breaks", "description": "10-minute break every hour"},
            ],
        },
    }
}
