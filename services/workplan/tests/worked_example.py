"""The issue's worked example, as data: a warehouse picker (lift floor→waist 23 kg occasionally and
11 kg frequently; stand 8 h) through 12 sessions over 4 weeks. Shared by the pure and the API tests."""

from __future__ import annotations

from datetime import date, timedelta

JOB_DEMANDS = [
    {"demand": "lift_floor_waist", "frequency": "occasional", "load_kg": 23.0},
    {"demand": "lift_floor_waist", "frequency": "frequent", "load_kg": 11.0},
    {"demand": "stand", "frequency": "constant", "duration_min": 480.0},
]
JOB = {"hours_per_day": 8.0, "days_per_week": 5, "dot_strength_level": "medium", "demands": JOB_DEMANDS}

# day offset, occasional lift (prescribed, achieved), frequent lift load, stand minutes, pain before/after
SESSIONS = [
    (0, 10.0, 10.0, 6.0, 60.0, 3, 3),
    (2, 10.0, 10.0, 6.0, 60.0, 3, 4),
    (4, 12.5, 12.5, 7.0, 90.0, 3, 3),
    (7, 12.5, 12.5, 7.0, 90.0, 3, 4),
    (9, 15.0, 15.0, 8.0, 120.0, 3, 6),
    (11, 12.5, 12.5, 8.0, 120.0, 3, 3),
    (14, 15.0, 15.0, 9.0, 180.0, 3, 4),
    (16, 15.0, 15.0, 9.0, 240.0, 3, 3),
    (18, 17.5, 16.0, 10.0, 300.0, 3, 4),
    (21, 17.5, 17.5, 10.0, 360.0, 3, 3),
    (23, 17.5, 17.5, 11.0, 420.0, 3, 4),
    (25, 23.0, 23.0, 11.0, 480.0, 3, 4),
]
# What the product spec's rule recommends for the occasional lift after each session.
LIFT_RECOMMENDATIONS = [
    "hold",  # 1 session at 10 kg
    "advance",  # 10 kg met twice, pain 4 <= baseline 3 + 1
    "hold",  # new prescription 12.5 kg: once
    "advance",
    "regress",  # pain rose from 3 to 6
    "hold",
    "hold",  # 15 kg once (the one before was 12.5)
    "advance",
    "hold",  # 17.5 kg prescribed, 16 achieved: target not met
    "hold",
    "advance",
    "hold",
]


def session_body(index: int, start: date) -> dict:
    """Session `index` of the example as the API takes it."""
    offset, presc, achieved, frequent, stand, before, after = SESSIONS[index]
    return {
        "date": (start + timedelta(days=offset)).isoformat(),
        "attendance": "attended",
        "minutes": 90,
        "work_simulation": True,
        "pain_before": before,
        "pain_after": after,
        "effort": 5,
        "note": f"session {index + 1}",
        "activities": [
            {
                "kind": "work_simulation",
                "demand": "lift_floor_waist",
                "prescribed": {"load_kg": presc, "reps": 10, "sets": 3},
                "achieved": {"load_kg": achieved, "reps": 10, "sets": 3},
            },
            {
                "kind": "conditioning",
                "demand": "lift_floor_waist",
                "frequency": "frequent",
                "prescribed": {"load_kg": frequent, "reps": 20, "sets": 3},
                "achieved": {"load_kg": frequent, "reps": 20, "sets": 3},
            },
            {
                "kind": "conditioning",
                "demand": "stand",
                "prescribed": {"duration_min": stand},
                "achieved": {"duration_min": stand},
            },
        ],
    }


def plan_body(start: date, schedule_start: date) -> dict:
    """A plan for the example: 4 weeks of 3 sessions, then a 3-week graduated return (4 h, 6 h, 8 h full)."""
    return {
        "start_date": start.isoformat(),
        "schedule_start_date": schedule_start.isoformat(),
        "goals": [
            {"demand": "lift_floor_waist", "baseline": 10, "target": 23, "unit": "kg", "weight": 2},
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
        "accommodations": [{"category": "modified_duties", "description": "No floor-level lifting over 15 kg"}],
    }
