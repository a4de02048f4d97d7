"""`make screenshots`: the portal's pending list and one request, at desktop and phone width, and the
therapist's workspace — the caseload, the plan builder, the session log, a saved session, progress and the
report — at desktop and tablet (768 px) width, written
to docs/screenshots/ for the README. Runs only when RTW_SCREENSHOTS names the folder (skipped in
`make test`): three cases go through the journey on a private system, the clock moved between them
so the badges differ ("due in 2 days", "due in 7 days"); a fourth, the warehouse picker's, has a draft
filled in (through the API) for the builder to show with its checks."""

from __future__ import annotations

import importlib.util
import os
from datetime import timedelta
from pathlib import Path

import pytest

from rtw_devstack.journey import PLAN, new_case
from rtw_shared.clock import offset_clock

_HELPERS = Path(__file__).with_name("clinic_pages.py")
_spec = importlib.util.spec_from_file_location("clinic_pages", _HELPERS)
treatment = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(treatment)

PRIVATE_SYSTEM = "it moves the system's clock so requests fall due"
# Marked here, not only in `target`: a skip inside a test's fixtures comes after the module's private
# system has started (higher-scoped fixtures are set up first), ~10 s of a run for nothing.
pytestmark = pytest.mark.skipif(
    not os.environ.get("RTW_SCREENSHOTS"),
    reason="screenshots are made by `make screenshots` (RTW_SCREENSHOTS=docs/screenshots)",
)

REPO = Path(__file__).resolve().parents[2]
TABLET = {"width": 768, "height": 1024}
WORKERS = [("Maria", "Lopez", "Warehouse associate"), ("Sam", "Okafor", "Forklift driver"), ("Ana", "Silva", "Picker")]


@pytest.fixture
def target() -> Path:
    path = (REPO / os.environ["RTW_SCREENSHOTS"]).resolve()
    path.mkdir(parents=True, exist_ok=True)
    return path


def open_case(journey, given: str, family: str, job: str) -> dict:
    """A case for this worker, a published plan, and the employer's pending request."""
    body = new_case()  # a claim number of its own
    body["worker"].update(given_name=given, family_name=family)
    body["employment"]["job_title"] = job
    case = journey.ok("POST", "intake", "/v1/cases", "tara", expected=201, json=body)
    journey.publish_plan(journey.draft_plan(case["id"])["id"])
    return journey.pending_request(case["id"])


def test_screenshots_of_the_portal(target, system, journey, new_page, ui, portal):
    first = open_case(journey, *WORKERS[0])
    system.move_clock(timedelta(days=5))  # the first request is now due in 2 days
    for worker in WORKERS[1:]:
        open_case(journey, *worker)
    for name, viewport in (("desktop", ui.DESKTOP), ("phone", ui.PHONE)):
        page = new_page(viewport)
        ui.sign_in(page, "erin")
        page.screenshot(path=str(target / f"pending-{name}.png"), full_page=True)
        page.goto(f"{portal}/requests/{first['id']}")
        page.screenshot(path=str(target / f"request-{name}.png"), full_page=True)
    made = {"pending-desktop.png", "pending-phone.png", "request-desktop.png", "request-phone.png"}
    assert made <= {p.name for p in target.glob("*.png")}


def filled_draft(journey) -> tuple[dict, dict]:
    """The warehouse picker's case and its draft, filled in as a therapist would in the builder: goals with
    their GAS rows, a phase with named activities, three weeks, accommodations (a goal short of the job's
    20 kg, so the checks show a warning to acknowledge)."""
    body = new_case()
    body["worker"].update(given_name="Dana", family_name="Reyes")
    body["employment"]["job_title"] = "Warehouse picker"
    case = journey.ok("POST", "intake", "/v1/cases", "tara", expected=201, json=body)
    draft = journey.draft_plan(case["id"])
    gas = ["Lifts 5 kg", "Lifts 10 kg", "Lifts 15 kg, occasionally", "Lifts 18 kg", "Lifts 20 kg, frequently"]
    goal = {**PLAN["goals"][0], "target": 15, "weight": 2, "description": "Lift a 15 kg tote from floor to waist"}
    goal["gas"] = dict(zip(("minus_2", "minus_1", "zero", "plus_1", "plus_2"), gas, strict=True))
    activities = [
        {
            "kind": "work_simulation",
            "name": "Tote lift from the floor",
            "demand": "lift_floor_waist",
            "load_kg": 7.5,
            "reps": 10,
            "sets": 3,
        },
        {"kind": "conditioning", "name": "Treadmill walk", "duration_min": 20},
    ]
    content = {**PLAN, "goals": [goal], "phases": [{**PLAN["phases"][0], "activities": activities}]}
    path = f"/v1/plans/{draft['id']}"
    journey.ok("PUT", "workplan", path, "tara", json=content, headers=journey.etag("workplan", path, "tara"))
    return case, draft


def test_screenshots_of_the_workspace(target, system, journey, new_page, ui, private_clinic_client):
    clinic = system.url("workplan") + "/clinic"
    for worker in (("Lee", "Chen", "Forklift driver"), ("Priya", "Nair", "Order picker")):
        open_case(journey, *worker)  # published plans, waiting for the employer
    _, draft = filled_draft(journey)
    for name, viewport in (("desktop", ui.DESKTOP), ("tablet", TABLET)):
        page = new_page(viewport)
        type(ui)(clinic).sign_in(page, "tara")
        page.goto(f"{clinic}/cases?who=clinic")
        page.screenshot(path=str(target / f"caseload-{name}.png"), full_page=True)
        page.goto(f"{clinic}/plans/{draft['id']}/builder")
        page.screenshot(path=str(target / f"plan-builder-{name}.png"), full_page=True)
    names = {p.name for p in target.glob("*.png")}
    assert {f"{page}-{size}.png" for page in ("caseload", "plan-builder") for size in ("desktop", "tablet")} <= names


def test_screenshots_of_the_session_log_and_progress(target, system, journey, new_page, ui, private_clinic_client):
    """The workspace's session log (today's form, a saved session's recommendations) and progress, on a
    desktop and a tablet: a picker's plan with three weeks of sessions and a review, through the APIs."""
    clinic = system.url("workplan") + "/clinic"
    made = treatment.picker_with_sessions(journey, offset_clock(system.clock_file)().date())  # the moved clock's
    plan = f"{clinic}/plans/{made['plan_id']}"
    pages = {
        "session-log": f"{plan}/sessions/new",
        "session": f"{plan}/sessions/{made['last_session_id']}",
        "progress": f"{plan}/progress",
        "report": f"{plan}/report",
    }
    for name, viewport in (("desktop", ui.DESKTOP), ("tablet", treatment.TABLET)):
        page = new_page(viewport)
        treatment.sign_in(page, clinic)
        for picture, address in pages.items():
            page.goto(address)
            page.screenshot(path=str(target / f"{picture}-{name}.png"), full_page=True)
    wanted = {f"{picture}-{name}.png" for picture in pages for name in ("desktop", "tablet")}
    assert wanted <= {p.name for p in target.glob("*.png")}
