"""The therapist's session log, progress and report in a real browser (Chromium, Keycloak's own login page):
a warehouse picker's case and a published plan are set up through the public APIs (fast), then tara, through
the pages only, logs sessions over three weeks (the session's date field, not the calendar), accepts one
recommendation and overrides another with a reason, corrects a session (the revision in its history),
sends the same form twice (one session), records a review, and opens progress (charts with their text
alternatives) and the report (no notes unless ticked). Every page: axe clean, no horizontal scroll at 375 and
768 px."""

from __future__ import annotations

import importlib.util
from datetime import timedelta
from pathlib import Path

import pytest

_HELPERS = Path(__file__).with_name("clinic_pages.py")
_spec = importlib.util.spec_from_file_location("clinic_pages", _HELPERS)
treatment = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(treatment)
TABLET, NOTE, sign_in = treatment.TABLET, treatment.NOTE, treatment.sign_in
log_session, sessions_of = treatment.log_session, treatment.sessions_of


@pytest.fixture(scope="module")
def clinic(system, private_clinic_client) -> str:
    return system.url("workplan") + "/clinic"


@pytest.fixture
def published(journey, clock) -> dict:
    """A picker's case and its plan published with treatment from 21 days ago, through the APIs."""
    today = clock().date()
    return {**treatment.published_picker(journey, today - timedelta(days=21)), "today": today}


def test_tara_logs_decides_corrects_reviews_and_reports(new_page, ui, clinic, journey, published):
    plan_id, start = published["plan_id"], published["start"]
    page = new_page(TABLET)
    sign_in(page, clinic)

    # From the case page to today's session, its prescription filled in from the plan.
    page.goto(f"{clinic}/cases/{published['case']['id']}")
    page.get_by_role("link", name="Log a session").first.click()
    page.wait_for_url("**/sessions/new")
    assert page.input_value("#act0_p_load_kg") == "10" and page.input_value("#act0_p_reps") == "10"
    assert page.input_value("#act1_p_duration_min") == "30"
    assert page.input_value("#date") == published["today"].isoformat()
    ui.assert_accessible(page)
    assert ui.overflow(page) == 0

    # Sessions over three weeks, by the session's date field.
    first = log_session(page, clinic, plan_id, start + timedelta(days=1), lift_kg="10", stand_min="30", note=NOTE)
    log_session(page, clinic, plan_id, start + timedelta(days=8), lift_kg="12.5", stand_min="60")
    third = log_session(page, clinic, plan_id, start + timedelta(days=15), lift_kg="15", stand_min="120", pain=(3, 3))
    assert page.get_by_text("Session saved.").is_visible()
    ui.assert_accessible(page)
    assert ui.overflow(page) == 0

    # After saving: each activity's recommendation with its reason; accept one, override the other with a reason.
    cards = page.locator(".recommendation")
    assert cards.count() == 2
    lift, stand = cards.nth(0), cards.nth(1)
    assert "Tote lift from pallet" in lift.inner_text() and "Standing at the bench" in stand.inner_text()
    lift.get_by_role("button").click()
    page.wait_for_url("**decided=1*")
    assert page.locator(".recommendation").nth(0).locator(".decision").inner_text().startswith("Accepted")
    stand = page.locator(".recommendation").nth(1)
    stand.get_by_label("Override", exact=True).check()
    stand.get_by_label("instead").select_option("hold")
    stand.get_by_label("Reason for an override").fill("Knee flared at the weekend; hold standing time")
    stand.get_by_role("button").click()
    page.wait_for_url("**decided=1*")
    decision = page.locator(".recommendation").nth(1).locator(".decision").inner_text()
    assert decision.startswith("Overridden: hold instead") and "Knee flared" in decision
    progress = journey.ok("GET", "workplan", f"/v1/plans/{plan_id}/progress", "tara")
    decided = {a["name"]: a["decision"] for a in progress["activities"]}
    assert decided["Tote lift from pallet"]["overridden"] is False
    assert decided["Standing at the bench"] == {
        **decided["Standing at the bench"],
        "overridden": True,
        "chosen": "hold",
    }

    # A correction is a new revision; the history keeps the first.
    page.goto(third)
    page.get_by_role("link", name="Correct this session").click()
    page.wait_for_url("**/correct")
    assert page.input_value("#act0_a_load_kg") == "15"
    page.fill("#minutes", "75")
    page.fill("#reason", "Left 15 minutes early; logged as 90 by mistake")
    page.get_by_role("button", name="Save the correction").click()
    page.wait_for_url("**corrected=1*")
    history = page.locator("#history li")
    assert history.count() == 2
    assert "Revision 2" in history.nth(0).inner_text() and "logged as 90 by mistake" in history.nth(0).inner_text()
    assert "Revision 1" in history.nth(1).inner_text() and "as logged" in history.nth(1).inner_text()

    # A refused form says why, records nothing, and comes back as it was sent.
    before = len(sessions_of(journey, plan_id))
    page.goto(f"{clinic}/plans/{plan_id}/sessions/new")
    page.check("#act0_stopped")
    page.fill("#pain_before", "6")
    page.get_by_role("button", name="Save the session").click()
    assert page.get_by_role("alert").inner_text().endswith("Tote lift from pallet: say why it was stopped")
    assert page.is_checked("#act0_stopped") and page.input_value("#pain_before") == "6"
    assert len(sessions_of(journey, plan_id)) == before

    # The same form sent twice (a double tap; the second send carries the same Idempotency-Key): one session.
    page.goto(f"{clinic}/plans/{plan_id}/sessions/new")
    page.fill("#date", (start + timedelta(days=17)).isoformat())
    page.fill("#pain_before", "2")
    statuses = page.evaluate(
        """async () => {
            const form = document.querySelector("form.session-form");
            const send = () => fetch(form.action, {method: "POST", body: new FormData(form), redirect: "manual"});
            const answers = [await send(), await send()];
            return answers.map((a) => a.type === "opaqueredirect" ? 303 : a.status);
        }"""
    )
    assert statuses == [303, 303]
    assert len(sessions_of(journey, plan_id)) == before + 1

    # A review: each goal's attainment by its name, the COPM re-rated.
    page.goto(f"{clinic}/plans/{plan_id}/progress")
    page.fill("#review-date", (start + timedelta(days=18)).isoformat())
    page.get_by_label("Lift a 23 kg tote from floor to waist").select_option("0")
    page.get_by_label("Stand a full shift").select_option("-1")
    page.fill("#copm0_problem", "Picking orders")
    page.fill("#copm0_importance", "9")
    page.fill("#copm0_performance", "5")
    page.fill("#copm0_satisfaction", "4")
    page.get_by_role("button", name="Save the review").click()
    page.wait_for_url("**saved=1*")
    review = page.locator(".review-list li.panel").first.inner_text()
    assert "Lift a 23 kg tote from floor to waist: 0" in review and "Stand a full shift: -1" in review
    assert "COPM “Picking orders”: performance 5, satisfaction 4" in review

    # Progress: the charts are images with a title and a description, the numbers also as a table.
    charts = page.locator("svg.progress-chart[role='img']")
    assert charts.count() == 2  # capacity, GAS
    capacity = page.get_by_role("img", name="Capacity against the job's demands")
    assert capacity.is_visible() and page.get_by_role("img", name="GAS T-score over the reviews").is_visible()
    described = capacity.locator("desc").text_content()
    assert "ifting from floor to waist" in described and "projected ready for the job on" in described
    assert capacity.locator("text", has_text="today").count() == 1
    assert page.locator(".legend li").first.inner_text().startswith("Lift")
    assert page.locator("details.numbers table tbody tr").count() == 2
    activities = page.locator("table.activities tbody tr")
    assert activities.count() == 2 and "overridden: hold (Knee flared" in activities.nth(1).inner_text()
    ui.assert_accessible(page)
    for viewport in (ui.PHONE, TABLET):
        page.set_viewport_size(viewport)
        assert ui.overflow(page) == 0, viewport

    # The report: no session notes unless ticked.
    page.goto(f"{clinic}/cases/{published['case']['id']}")
    page.get_by_role("link", name="Progress report").first.click()
    page.wait_for_url("**/report")
    assert page.get_by_role("heading", name="Progress report").is_visible()
    assert NOTE not in page.content() and page.get_by_role("heading", name="Session notes").count() == 0
    assert "accepted" in page.locator("section", has_text="Recommendations").inner_text()
    ui.assert_accessible(page)
    page.emulate_media(media="print")  # printed or saved as PDF: the report alone
    assert not page.locator("header.top").is_visible() and not page.locator("form.report-options").is_visible()
    assert page.get_by_role("heading", name="Progress report").is_visible()
    page.emulate_media(media="screen")
    page.check("#notes")
    page.get_by_role("button", name="Update the report").click()
    page.wait_for_url("**notes=true*")
    assert page.get_by_role("listitem").filter(has_text=NOTE).count() == 1
    for viewport in (ui.PHONE, TABLET):
        page.set_viewport_size(viewport)
        assert ui.overflow(page) == 0, viewport

    # The session log lists every session, the corrected one marked.
    page.goto(f"{clinic}/plans/{plan_id}/sessions")
    rows = page.locator("table.sessions tbody tr")
    assert rows.count() == before + 1
    assert page.get_by_text("corrected (revision 2)").count() == 1
    ui.assert_accessible(page)
    page.goto(first)
    ui.assert_accessible(page)
    page.set_viewport_size(ui.PHONE)  # the session's pages on a phone too
    for address in (first, f"{clinic}/plans/{plan_id}/sessions/new", f"{clinic}/plans/{plan_id}/sessions"):
        page.goto(address)
        assert ui.overflow(page) == 0, address


def test_another_clinics_therapist_finds_none_of_these_pages(new_page, clinic, journey, published):
    """theo works for another clinic: tara's plan's session log, progress and report are not found (404, as
    the API answers), and nothing of the case is shown."""
    plan = f"{clinic}/plans/{published['plan_id']}"
    page = new_page()
    sign_in(page, clinic, "theo")
    for address in (f"{plan}/sessions", f"{plan}/sessions/new", f"{plan}/progress", f"{plan}/report"):
        answer = page.goto(address)
        assert answer.status == 404, address
        assert published["case"]["reference"] not in page.content()
