"""What the workspace's treatment tests and screenshots share: a warehouse picker's job and plan (two named
activities, two goals), signing in to the workspace on Keycloak's page, and a plan with three weeks of
sessions, decisions and a review set up through the public APIs (for pictures: fast, no pages)."""

from __future__ import annotations

from datetime import date, timedelta

from rtw_devstack.journey import CASE, Journey, new_case

TABLET = {"width": 768, "height": 1024}
PICKER_JOB = {
    **CASE["employment"],
    "job_title": "Warehouse picker",
    "essential_functions": [
        {
            "name": "Pick orders",
            "demands": [
                {"demand": "lift_floor_waist", "frequency": "occasional", "load_kg": 23},
                {"demand": "stand", "frequency": "constant", "duration_min": 480},
            ],
        }
    ],
}
NOTE = "Knee sore on the stairs; reminded to pace"


def plan_body(start) -> dict:
    """Four weeks of three sessions (two named activities), then a three-week graduated return."""
    return {
        "start_date": start.isoformat(),
        "schedule_start_date": (start + timedelta(days=28)).isoformat(),
        "goals": [
            {
                "demand": "lift_floor_waist",
                "baseline": 10,
                "target": 23,
                "unit": "kg",
                "weight": 2,
                "description": "Lift a 23 kg tote from floor to waist",
            },
            {"demand": "stand", "baseline": 60, "target": 480, "unit": "min", "description": "Stand a full shift"},
        ],
        "phases": [
            {
                "name": "Work hardening",
                "start_week": 1,
                "end_week": 4,
                "sessions_per_week": 3,
                "minutes_per_session": 90,
                "activities": [
                    {
                        "name": "Tote lift from pallet",
                        "kind": "work_simulation",
                        "demand": "lift_floor_waist",
                        "load_kg": 10,
                        "reps": 10,
                        "sets": 3,
                    },
                    {"name": "Standing at the bench", "kind": "conditioning", "demand": "stand", "duration_min": 30},
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


def sign_in(page, clinic: str, user: str = "tara") -> None:
    """Sign in to the workspace on Keycloak's own login page."""
    page.goto(clinic)
    page.get_by_role("link", name="Sign in").click()
    page.wait_for_selector("#kc-form-login")
    page.fill("#username", user)
    page.fill("#password", "demo")
    page.click("#kc-login")
    page.wait_for_url(f"{clinic}/**")


def published_picker(journey: Journey, start: date) -> dict:
    """A picker's case and its plan, published with treatment from `start`, through the APIs."""
    case = journey.ok(
        "POST", "intake", "/v1/cases", "tara", expected=201, json={**new_case(), "employment": PICKER_JOB}
    )
    plan = journey.draft_plan(case["id"])
    path = f"/v1/plans/{plan['id']}"
    journey.ok("PUT", "workplan", path, "tara", json=plan_body(start), headers=journey.etag("workplan", path, "tara"))
    published = journey.call(
        "POST", "workplan", f"{path}/publish", "tara", headers=journey.etag("workplan", path, "tara")
    )
    if published.status_code == 422:  # clinical warnings: acknowledged
        codes = [w["code"] for w in published.json()["warnings"]]
        published = journey.call("POST", "workplan", f"{path}/publish", "tara", json={"acknowledge": codes})
    assert published.status_code == 200, published.text
    return {"case": case, "plan_id": plan["id"], "start": start}


# (day, lift kg achieved, standing minutes, pain before, pain after) of each pictured session.
PICTURED = [(1, 10, 30, 4, 4), (3, 10, 40, 4, 4), (6, 12.5, 50, 3, 4), (8, 12.5, 60, 3, 3), (10, 15, 75, 3, 3)]
PICTURED += [(13, 15, 90, 3, 3), (15, 17.5, 105, 2, 3), (17, 17.5, 120, 2, 2), (20, 20, 135, 2, 2)]


def picker_with_sessions(journey: Journey, today: date) -> dict:
    """A picker three weeks into the plan: nine sessions, each recommendation accepted but one overridden,
    and a review."""
    made = published_picker(journey, today - timedelta(days=21))
    path = f"/v1/plans/{made['plan_id']}"
    logged = {}
    for day, lift, stand, before, after in PICTURED:
        body = {
            "date": (made["start"] + timedelta(days=day)).isoformat(),
            "minutes": 90,
            "work_simulation": day % 2 == 0,
            "pain_before": before,
            "pain_after": after,
            "effort": 5,
            "activities": [
                {
                    "kind": "work_simulation",
                    "demand": "lift_floor_waist",
                    "prescribed": {"load_kg": lift, "reps": 10, "sets": 3},
                    "achieved": {"load_kg": lift, "reps": 10, "sets": 3},
                },
                {
                    "kind": "conditioning",
                    "demand": "stand",
                    "prescribed": {"duration_min": stand},
                    "achieved": {"duration_min": stand},
                },
            ],
        }
        logged = journey.ok("POST", "workplan", f"{path}/sessions", "tara", expected=201, json=body)
    for r in logged["recommendations"][:1]:
        journey.ok(
            "POST",
            "workplan",
            f"{path}/sessions/{logged['id']}/decisions",
            "tara",
            expected=201,
            json={"activity_id": r["activity_id"], "decision": "accept"},
        )
    goals = journey.ok("GET", "workplan", path, "tara")["goals"]
    for day, levels in ((7, (-1, -1)), (14, (0, -1)), (20, (1, 0))):
        review = {
            "date": (made["start"] + timedelta(days=day)).isoformat(),
            "gas": [{"goal_id": g["id"], "attainment": a} for g, a in zip(goals, levels, strict=True)],
            "copm": [
                {
                    "problem": "Picking orders",
                    "importance": 9,
                    "performance": 4 + day // 7,
                    "satisfaction": 3 + day // 7,
                }
            ],
        }
        journey.ok("POST", "workplan", f"{path}/reviews", "tara", expected=201, json=review)
    return {**made, "last_session_id": logged["id"]}
