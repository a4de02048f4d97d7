"""`make screenshots`: the portal's pending list and one request, at desktop and phone width, and the
therapist's session log, a saved session, progress and the report at desktop and tablet width, written
to docs/screenshots/ for the README. Runs only when RTW_SCREENSHOTS names the folder (skipped in
`make test`): three cases go through the journey on a private system, the clock moved between them
so the badges differ ("due in 2 days", "due in 7 days")."""

from __future__ import annotations

import importlib.util
import os
from datetime import timedelta
from pathlib import Path

import pytest

from rtw_devstack.journey import new_case
from rtw_shared.clock import offset_clock

_HELPERS = Path(__file__).with_name("clinic_treatment.py")
_spec = importlib.util.spec_from_file_location("clinic_treatment", _HELPERS)
treatment = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(treatment)

PRIVATE_SYSTEM = "it moves the system's clock so requests fall due"

REPO = Path(__file__).resolve().parents[2]
WORKERS = [("Maria", "Lopez", "Warehouse associate"), ("Sam", "Okafor", "Forklift driver"), ("Ana", "Silva", "Picker")]


@pytest.fixture
def target() -> Path:
    folder = os.environ.get("RTW_SCREENSHOTS")
    if not folder:
        pytest.skip("screenshots are made by `make screenshots` (RTW_SCREENSHOTS=docs/screenshots)")
    path = (REPO / folder).resolve()
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
