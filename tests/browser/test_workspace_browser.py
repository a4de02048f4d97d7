"""The therapist's workspace in a real browser (headless Chromium), signing in on Keycloak's real page
(docs/workspace.md): tara opens the warehouse picker's case through the new-case form, records the
assessment, builds the plan in the plan builder — a number that is not one marked beside its field as she
types, a clinical warning in words acknowledged with one click, the projected dates on the draft — publishes
it, and, once erin counters (through the employer's API, to save time), accepts the counter from the plan and
sees the agreed version with what changed side by side; then revises it. theo, of another clinic, sees none
of tara's cases (404); erin and ivy get the plain 403 page; a POST without the CSRF token is refused. Every
page tara works on passes axe-core and has no horizontal scroll at 375 px and 768 px.

One signed-in browser context for tara (the module's `tara`), so the suite signs her in once."""

from __future__ import annotations

import re
import time
import uuid
from collections.abc import Iterator
from datetime import timedelta

import pytest

pytestmark = pytest.mark.slow
PHONE, TABLET, DESKTOP = {"width": 375, "height": 812}, {"width": 768, "height": 1024}, {"width": 1280, "height": 900}
UUID = r"[0-9a-f-]{36}"


@pytest.fixture(scope="module")
def clinic(system, private_clinic_client) -> str:
    """The private workplan's workspace, signing in through its own copy of `rtw-clinic`."""
    return system.url("workplan") + "/clinic"


@pytest.fixture
def clinic_ui(clinic, ui):
    """Signing in, axe and the overflow measure, as for the portal (conftest's PortalUI: the same sign-in
    button and Keycloak page), at the workspace's address."""
    return type(ui)(clinic)


def sign_in(page, clinic: str, user: str) -> None:
    """Sign in on Keycloak's own login page: the workspace's button, then Keycloak's form."""
    page.goto(clinic)
    page.get_by_role("link", name="Sign in").click()
    page.wait_for_selector("#kc-form-login")
    page.fill("#username", user)
    page.fill("#password", "demo")
    page.click("#kc-login")
    page.wait_for_url(f"{clinic}/**")


@pytest.fixture(scope="module")
def tara(browser, clinic) -> Iterator:
    """tara, signed in once for the module: one browser context shared by the tests that act as her."""
    context = browser.new_context(viewport=DESKTOP)
    page = context.new_page()
    sign_in(page, clinic, "tara")
    yield page
    context.close()


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


def fits(page, clinic_ui, where: str) -> None:
    """No horizontal scroll at a phone's and a tablet's width (then back to the desktop's)."""
    for viewport in (PHONE, TABLET):
        page.set_viewport_size(viewport)
        assert clinic_ui.overflow(page) == 0, f"{where} at {viewport['width']} px"
    page.set_viewport_size(DESKTOP)


def checked(page, clinic_ui, where: str) -> None:
    clinic_ui.assert_accessible(page)
    fits(page, clinic_ui, where)


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
    page.goto(f"{clinic}/cases/{case_id}/assessment")
    page.fill("#cap-amount-0", "8")  # lifting floor to waist, occasionally: 8 of the job's 20 kg
    page.fill("#cap-amount-1", "60")  # standing: 60 of 120 min at a time
    page.select_option("#pain_nrs", "4")
    for side, trials in (("left", ("30", "32", "31")), ("right", ("35", "36", "37"))):
        for t, value in enumerate(trials):
            page.fill(f"#grip-{side}-{t}", value)
    page.get_by_role("button", name="Record the assessment").click()
    page.wait_for_url(re.compile(r"/assessment\?done=1"))


def wait_for_checks(page, text: str) -> None:
    page.wait_for_function(
        "(text) => document.getElementById('checks').innerText.includes(text)", arg=text, timeout=15_000
    )


def build_the_plan(page) -> None:
    """Goals' GAS rows, a phase with a named activity, three weeks, an accommodation: through the builder."""
    levels = ("minus_2", "minus_1", "zero", "plus_1", "plus_2")
    for level, words in zip(levels, ("5 kg", "10 kg", "15 kg", "18 kg", "20 kg"), strict=True):
        page.fill(f"#f-goals-0-gas-{level}", f"Lifts a {words} tote from floor to waist, occasionally")
    page.fill("#f-goals-0-weight", "2")
    page.get_by_role("button", name="Add a phase").click()
    page.fill("#f-phases-0-name", "Conditioning")
    page.get_by_role("button", name="Add an activity").click()
    page.fill("#f-phases-0-activities-0-name", "Tote lift from the floor")
    page.select_option("#f-phases-0-activities-0-demand", "lift_floor_waist")
    page.fill("#f-phases-0-activities-0-load_kg", "7.5")
    page.fill("#f-phases-0-activities-0-sets", "3")
    for hours in ("4", "6", "8"):
        page.get_by_role("button", name="Add a week").click()
        last = page.locator("fieldset.week").count() - 1
        page.fill(f"#f-schedule-{last}-hours_per_day", hours)
    page.select_option("#f-schedule-2-duties", "full")
    page.get_by_role("button", name="Add an accommodation").click()
    page.select_option("#f-accommodations-0-category", "modified_duties")
    page.fill("#f-accommodations-0-description", "No floor-level picking over 10 kg")


def test_tara_builds_and_publishes_the_plan_then_accepts_erins_counter(tara, clinic, clinic_ui, journey, clock):
    page = tara
    page.goto(f"{clinic}/cases")
    checked(page, clinic_ui, "caseload")
    case_id = open_case_through_the_form(page, clinic, (clock().date() - timedelta(days=21)).isoformat())
    checked(page, clinic_ui, "case page")
    record_assessment(page, clinic, case_id)
    checked(page, clinic_ui, "assessment")

    # The draft follows the case: its goals' baselines are the assessment's (by event) before tara edits it.
    def assessed_draft() -> dict | None:
        draft = journey.draft_plan(case_id)
        return draft if draft["goals"] and draft["goals"][0]["baseline"] == 8 else None

    draft = journey.eventually(assessed_draft, "the draft with the assessment's baselines")
    builder = f"{clinic}/plans/{draft['id']}/builder"
    link = reload_until(page, f"{clinic}/cases/{case_id}", f"a[href$='/plans/{draft['id']}/builder']", "the draft")
    link.click()
    page.wait_for_url(builder)
    assert page.input_value("#f-goals-0-target") == "20" and page.input_value("#f-goals-0-baseline") == "8"
    assert page.input_value("#f-goals-1-unit") == "min"  # standing, from the job's demands

    page.fill("#f-goals-0-target", "fifteen")  # live: beside the field, in words, before anything is sent
    page.wait_for_function("() => document.getElementById('f-goals-0-target-err').innerText.includes('not a number')")
    assert page.get_attribute("#f-goals-0-target", "aria-invalid") == "true"
    page.fill("#f-goals-0-target", "15")  # below the job's 20 kg: a clinical warning, named by the goal
    wait_for_checks(page, "No hard error")
    assert page.inner_text("#f-goals-0-target-err") == ""
    build_the_plan(page)
    wait_for_checks(page, "Goal “Pick orders")
    panel = page.inner_text("#checks")
    assert "goals.0" not in panel and "Ready for the job" in panel and "USD" in panel
    assert re.search(r"Week 3 · Mon \d+ \w+ 20\d\d \N{EN DASH} Sun \d+ \w+ 20\d\d", page.inner_text("main"))
    checked(page, clinic_ui, "plan builder with its warnings")
    boxes = page.locator("#checks input[name=acknowledge]")
    warnings = boxes.count()
    assert warnings >= 1
    for i in range(warnings):
        boxes.nth(i).check()  # one click each
    page.locator(".builder-publish").get_by_role("button", name="Publish").click()
    page.wait_for_url(f"{clinic}/plans/{draft['id']}?done=published")
    assert "The plan is published" in page.inner_text("[role=status]")
    published = journey.ok("GET", "workplan", f"/v1/plans/{draft['id']}", "tara")
    assert published["status"] == "published" and published["goals"][0]["gas"]["zero"].startswith("Lifts a 15 kg")
    assert [a["name"] for a in published["phases"][0]["activities"]] == ["Tote lift from the floor"]
    assert [w["acknowledged_by_username"] for w in published["acknowledged_warnings"]] == ["tara"] * warnings
    clinic_ui.assert_accessible(page)

    request = journey.pending_request(case_id)
    path = f"/v1/accommodations/{request['id']}"
    counter = {
        "description": "Four hours a day for two weeks, then six, then full days",
        "schedule": [
            {"week": 1, "hours_per_day": 4, "days_per_week": 5, "duties": "modified"},
            {"week": 2, "hours_per_day": 4, "days_per_week": 5, "duties": "modified"},
            {"week": 3, "hours_per_day": 6, "days_per_week": 5, "duties": "modified"},
            {"week": 4, "hours_per_day": 8, "days_per_week": 5, "duties": "full"},
        ],
    }
    decision = {"decision": "countered", "counter": counter}
    journey.ok(
        "POST", "employer", f"{path}/decision", "erin", headers=journey.etag("employer", path, "erin"), json=decision
    )
    page.goto(f"{clinic}/plans/{draft['id']}")
    assert counter["description"] in page.inner_text(".counters")
    clinic_ui.assert_accessible(page)
    page.get_by_role("button", name="Accept the counter-proposal").click()
    page.wait_for_url(re.compile(r"\?done=accepted"))
    agreed = reload_until(page, f"{clinic}/plans/{draft['id']}", "#versions a:has-text('Version 2 (published)')", "v2")
    agreed.click()
    page.wait_for_url(re.compile(rf"/clinic/plans/{UUID}$"))
    assert page.inner_text("h1") == "Plan version 2"
    changes = page.inner_text("section:has(#changes-title)")
    assert "What changed from version 1" in changes and "Week 4: 8 h a day, 5 days, full duties" in changes
    checked(page, clinic_ui, "the agreed version")

    page.get_by_role("button", name=re.compile("Revise")).click()
    page.wait_for_url(re.compile(rf"/clinic/plans/{UUID}/builder\?done=revised"))
    assert "version 3, draft" in page.inner_text("main").lower()


def test_theo_sees_none_of_taras_cases(browser, clinic, clinic_ui, journey):
    case = journey.create_case()
    plan = journey.draft_plan(case["id"])
    context = browser.new_context(viewport=DESKTOP)
    try:
        page = context.new_page()
        clinic_ui.sign_in(page, "theo")
        page.goto(f"{clinic}/cases?who=clinic&q={case['reference']}")
        assert case["reference"] not in page.inner_text("main")
        for path in (f"/cases/{case['id']}", f"/plans/{plan['id']}", f"/plans/{plan['id']}/builder"):
            refused = page.goto(clinic + path)
            assert refused.status == 404, path
            assert "Lopez" not in page.inner_text("body")
    finally:
        context.close()


@pytest.mark.parametrize("user", ["erin", "ivy"])
def test_employers_and_insurers_get_the_plain_403_page(browser, clinic, clinic_ui, user):
    context = browser.new_context(viewport=DESKTOP)
    try:
        page = context.new_page()
        clinic_ui.sign_in(page, user)
        refused = page.goto(f"{clinic}/cases")
        assert refused.status == 403
        assert page.inner_text("h1") == "This workspace is for therapists" and user in page.inner_text("main")
        clinic_ui.assert_accessible(page)
    finally:
        context.close()


def test_a_post_without_the_csrf_token_is_refused(tara, clinic, journey):
    case = journey.create_case()
    plan = journey.draft_plan(case["id"])
    before = journey.ok("GET", "workplan", f"/v1/plans/{plan['id']}", "tara")
    forged = tara.request.post(
        f"{clinic}/plans/{plan['id']}/builder",
        form={"action": "save", "revision": "1", "goals.0.demand": "stand"},
        max_redirects=0,
    )
    assert forged.status == 403
    publish = tara.request.post(f"{clinic}/plans/{plan['id']}/builder", form={"action": "publish", "csrf_token": "x"})
    assert publish.status == 403
    assert journey.ok("GET", "workplan", f"/v1/plans/{plan['id']}", "tara") == before


def test_a_hard_error_beside_its_row_and_a_stale_draft_is_not_overwritten(tara, clinic, journey):
    """The publication's own checks answer live (a target below its baseline, beside its goal); a save after
    someone else changed the draft is refused (If-Match: the revision the page showed) and shows it as it is."""
    case = journey.create_case()
    plan = journey.draft_plan(case["id"])
    tara.goto(f"{clinic}/plans/{plan['id']}/builder")
    tara.fill("#f-goals-0-baseline", "30")  # above its 20 kg target: publication would refuse it
    tara.wait_for_function("() => document.getElementById('f-goals-0-err').innerText.includes('below baseline')")
    assert "1 thing stops publication" in tara.inner_text("#checks")
    tara.fill("#f-goals-0-baseline", "5")
    path = f"/v1/plans/{plan['id']}"
    current = journey.ok("GET", "workplan", path, "tara")
    changed = {**current, "accommodations": [{"category": "rest_breaks", "description": "Changed elsewhere"}]}
    journey.ok("PUT", "workplan", path, "tara", json=changed, headers=journey.etag("workplan", path, "tara"))
    with tara.expect_navigation() as answered:
        tara.get_by_role("button", name="Save draft").first.click()
    assert answered.value.status == 412 and "Someone changed this draft" in tara.inner_text("[role=alert]")
    assert tara.input_value("#f-accommodations-0-description") == "Changed elsewhere"
    assert journey.ok("GET", "workplan", path, "tara")["goals"][0]["baseline"] != 5
