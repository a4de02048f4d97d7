"""What the workspace's browser tests and screenshots share: what tara does on the pages, as a person would
(the new-case form, the assessment, the plan builder, the session form; waiting for what arrives by event),
the page checks (axe-core, no horizontal scroll at 375 and 768 px), and — for the tests of later pages and
for pictures, fast, without pages — a warehouse picker's case and plan (two named activities, two goals),
published and with three weeks of sessions, decisions and reviews, through the public APIs.

Loaded by file (tests/browser is no package): `importlib.util.spec_from_file_location`."""

from __future__ import annotations

import re
import time
import uuid
from datetime import date, timedelta

from rtw_devstack.journey import CASE, Journey, new_case

PHONE, TABLET, DESKTOP = {"width": 375, "height": 812}, {"width": 768, "height": 1024}, {"width": 1280, "height": 900}
UUID = r"[0-9a-f-]{36}"
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


def sign_in(page, site: str, user: str = "tara") -> None:
    """Sign in to `site` (the workspace, the portal) on Keycloak's own login page: the site's button, then
    Keycloak's form."""
    page.goto(site)
    page.get_by_role("link", name="Sign in").click()
    page.wait_for_selector("#kc-form-login")
    page.fill("#username", user)
    page.fill("#password", "demo")
    page.click("#kc-login")
    page.wait_for_url(f"{site}/**")


def reload_until(page, url: str, selector: str, what: str, timeout: float = 30.0):
    """Open `url` again until `selector` is on it (what another service does arrives by event)."""
    deadline = time.monotonic() + timeout
    while True:
        page.goto(url)
        found = page.locator(selector)
        if found.count():
            return found
        assert time.monotonic() < deadline, f"{what}: not on {url} after {timeout} s"
        page.wait_for_timeout(250)


def fits(page, ui, where: str) -> None:
    """No horizontal scroll at a phone's and a tablet's width (then back to the desktop's)."""
    for viewport in (PHONE, TABLET):
        page.set_viewport_size(viewport)
        assert ui.overflow(page) == 0, f"{where} at {viewport['width']} px"
    page.set_viewport_size(DESKTOP)


def checked(page, ui, where: str) -> None:
    """axe-clean, and no horizontal scroll at 375 and 768 px."""
    ui.assert_accessible(page)
    fits(page, ui, where)


def open_case_through_the_form(page, clinic: str, injured_on: str) -> str:
    """The warehouse picker's case through the new-case form; its id."""
    page.goto(f"{clinic}/cases/new")
    page.fill("#worker_given_name", "Maria")
    page.fill("#worker_family_name", "Lopez")
    page.fill("#worker_date_of_birth", "1984-03-02")
    page.fill("#claim_number", f"WC-2026-{uuid.uuid4().hex[:8].upper()}")
    page.select_option("#insurer", "northwind")
    page.fill("#injury_date", injured_on)
    page.fill("#mechanism", "lifting a box from the floor")
    page.select_option("#employer", "acme")
    page.fill("#job_title", "Warehouse picker")
    page.fill("#hours_per_day", "8")
    page.fill("#days_per_week", "5")
    page.fill("#fn0_name", "Pick orders")
    page.select_option("#fn0-demand-0", "lift_floor_waist")
    page.select_option("#fn0-frequency-0", "occasional")
    page.fill("#fn0-amount-0", "20")
    page.select_option("#fn0-demand-1", "stand")
    page.select_option("#fn0-frequency-1", "constant")
    page.fill("#fn0-amount-1", "120")
    page.select_option("#fn0-amount-1-unit", "min")
    page.fill("#referral_source", "Northwind claims adjuster")
    page.check("#share_restrictions_with_employer")
    page.check("#share_status_with_insurer")
    page.fill("#consent_evidence", "signed form WD-12")
    with page.expect_navigation():
        page.get_by_role("button", name="Open the case").click()
    assert "done=created" in page.url, page.inner_text("main")[:2000]
    return re.search(rf"/clinic/cases/({UUID})", page.url).group(1)


def record_assessment(page, clinic: str, case_id: str) -> None:
    """Lifting 8 of the job's 20 kg, standing 60 of its 120 min, pain 4, grip three trials a hand."""
    page.goto(f"{clinic}/cases/{case_id}/assessment")
    page.fill("#cap-amount-0", "8")
    page.fill("#cap-amount-1", "60")
    page.select_option("#pain_nrs", "4")
    for side, trials in (("left", ("30", "32", "31")), ("right", ("35", "36", "37"))):
        for t, value in enumerate(trials):
            page.fill(f"#grip-{side}-{t}", value)
    page.get_by_role("button", name="Record the assessment").click()
    page.wait_for_url(re.compile(r"/assessment\?done=1"))


def wait_for_checks(page, text: str) -> None:
    """The plan builder's live checks panel says `text`."""
    page.wait_for_function(
        "(text) => document.getElementById('checks').innerText.includes(text)", arg=text, timeout=15_000
    )


def acknowledge_and_publish(page) -> int:
    """Tick each clinical warning's box (one click each) and publish; how many there were."""
    boxes = page.locator("#checks input[name=acknowledge]")
    warnings = boxes.count()
    for i in range(warnings):
        boxes.nth(i).check()
    page.locator(".builder-publish").get_by_role("button", name="Publish").click()
    page.wait_for_url(re.compile(r"\?done=published"))
    return warnings


def log_session(
    page, clinic: str, plan_id: str, day, *, lift_kg: str, stand_min: str, pain=(3, 4), note: str = ""
) -> str:
    """Fill the session form as a therapist would (the prescription is already there) and save it; the
    session page's address."""
    page.goto(f"{clinic}/plans/{plan_id}/sessions/new")
    page.fill("#date", day.isoformat())
    page.fill("#minutes", "90")
    page.check("#work_simulation")
    page.fill("#pain_before", str(pain[0]))
    page.fill("#pain_after", str(pain[1]))
    page.fill("#effort", "5")
    page.fill("#act0_a_load_kg", lift_kg)
    page.fill("#act1_a_duration_min", stand_min)
    if note:
        page.fill("#note", note)
    page.get_by_role("button", name="Save the session").click()
    page.wait_for_url("**/sessions/*?saved=1*")
    return page.url.split("?")[0]


def sessions_of(journey: Journey, plan_id: str) -> list[dict]:
    """The plan's sessions, through workplan's API."""
    return journey.ok("GET", "workplan", f"/v1/plans/{plan_id}/sessions?limit=200", "tara")["items"]


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
