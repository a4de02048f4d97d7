"""The acceptance journey of the therapist's workspace in a real browser (headless Chromium), signing in on
Keycloak's real page (docs/workspace.md). tara does the warehouse picker's example entirely through the
pages, typing no JSON: opens the case through the new-case form, records the assessment, builds the plan in
the plan builder — a number that is not one marked beside its field as she types, each clinical warning in
words acknowledged with one click, the projected dates on the draft — and publishes it; logs twelve sessions
over four weeks (the session's date field, not the calendar); accepts one recommendation and overrides
another with a reason; records a review; revises the plan and publishes the revision; and, once erin
counters it (through the employer's API, to save time), accepts the counter from the plan and sees the agreed
version with what changed side by side. The results are read back through the APIs: twelve sessions, the
decisions, the review, the plan's versions, the request confirmed.

Also: theo, of another clinic, sees none of tara's cases (404); erin and ivy get the plain 403 page; a POST
without the CSRF token is refused; a stale draft is not overwritten. Every page tara works on passes
axe-core and has no horizontal scroll at 375 px and 768 px.

One signed-in browser context for tara (the module's `tara`), so the suite signs her in once."""

from __future__ import annotations

import importlib.util
import re
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import pytest
from playwright.sync_api import expect

_HELPERS = Path(__file__).with_name("clinic_pages.py")
_spec = importlib.util.spec_from_file_location("clinic_pages", _HELPERS)
pages = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(pages)
DESKTOP, UUID, sign_in, checked = pages.DESKTOP, pages.UUID, pages.sign_in, pages.checked
reload_until, wait_for_checks = pages.reload_until, pages.wait_for_checks

pytestmark = pytest.mark.slow
# (day of treatment, lift kg, standing minutes, pain before, pain after): twelve sessions over four weeks.
SESSIONS = [(0, 7.5, 30, 4, 4), (2, 7.5, 35, 4, 4), (4, 10, 40, 4, 4), (7, 10, 45, 3, 4), (9, 10, 50, 3, 3)]
SESSIONS += [(11, 12.5, 55, 3, 3), (14, 12.5, 60, 3, 3), (16, 12.5, 65, 3, 3), (18, 15, 70, 2, 3)]
SESSIONS += [(21, 15, 75, 2, 2), (23, 15, 80, 2, 2), (25, 17.5, 90, 2, 2)]


@pytest.fixture(scope="module")
def clinic(system, private_clinic_client) -> str:
    """The private workplan's workspace, signing in through its own copy of `rtw-clinic`."""
    return system.url("workplan") + "/clinic"


@pytest.fixture
def clinic_ui(clinic, ui):
    """Signing in, axe and the overflow measure, as for the portal (conftest's PortalUI: the same sign-in
    button and Keycloak page), at the workspace's address."""
    return type(ui)(clinic)


@pytest.fixture(scope="module")
def tara(browser, clinic) -> Iterator:
    """tara, signed in once for the module: one browser context shared by the tests that act as her."""
    context = browser.new_context(viewport=DESKTOP)
    page = context.new_page()
    sign_in(page, clinic, "tara")
    yield page
    context.close()


def build_the_plan(page, starts) -> None:
    """Goals' GAS rows, four weeks of treatment from `starts` with two named activities, three weeks back at
    work, an accommodation: through the builder."""
    levels = ("minus_2", "minus_1", "zero", "plus_1", "plus_2")
    for level, words in zip(levels, ("5 kg", "10 kg", "15 kg", "18 kg", "20 kg"), strict=True):
        page.fill(f"#f-goals-0-gas-{level}", f"Lifts a {words} tote from floor to waist, occasionally")
    page.fill("#f-goals-0-weight", "2")
    page.get_by_role("button", name="Add a phase").click()
    page.fill("#f-phases-0-name", "Conditioning")
    page.fill("#f-phases-0-start_week", "1")
    page.fill("#f-phases-0-end_week", "4")
    page.fill("#f-phases-0-sessions_per_week", "3")
    page.get_by_role("button", name="Add an activity").click()
    page.fill("#f-phases-0-activities-0-name", "Tote lift from the floor")
    page.select_option("#f-phases-0-activities-0-demand", "lift_floor_waist")
    page.fill("#f-phases-0-activities-0-load_kg", "7.5")
    page.fill("#f-phases-0-activities-0-reps", "10")
    page.fill("#f-phases-0-activities-0-sets", "3")
    page.get_by_role("button", name="Add an activity").click()
    page.fill("#f-phases-0-activities-1-name", "Standing at the bench")
    page.select_option("#f-phases-0-activities-1-kind", "conditioning")
    page.select_option("#f-phases-0-activities-1-demand", "stand")
    page.fill("#f-phases-0-activities-1-duration_min", "30")
    weeks = page.locator("fieldset.week")
    for hours in ("4", "6", "8"):
        before = weeks.count()
        page.get_by_role("button", name="Add a week").click()
        expect(weeks).to_have_count(before + 1)  # the new week is on the page before it is filled in
        page.fill(f"#f-schedule-{before}-hours_per_day", hours)
    page.select_option("#f-schedule-2-duties", "full")
    page.fill("#f-start_date", starts.isoformat())
    page.get_by_role("button", name="Add an accommodation").click()
    page.select_option("#f-accommodations-0-category", "modified_duties")
    page.fill("#f-accommodations-0-description", "No floor-level picking over 10 kg")


def decide(page) -> None:
    """On the last session: accept the lift's recommendation; override the standing one's with a reason."""
    cards = page.locator(".recommendation")
    assert cards.count() == 2
    assert "Tote lift from the floor" in cards.nth(0).inner_text() and "Standing" in cards.nth(1).inner_text()
    cards.nth(0).get_by_role("button").click()
    page.wait_for_url("**decided=1*")
    stand = page.locator(".recommendation").nth(1)
    stand.get_by_label("Override", exact=True).check()
    stand.get_by_label("instead").select_option("hold")
    stand.get_by_label("Reason for an override").fill("Knee flared at the weekend; hold standing time")
    stand.get_by_role("button").click()
    page.wait_for_url("**decided=1*")


def review(page, clinic: str, plan_id: str, on) -> None:
    """A review on the progress page: each goal's attainment by its name, the COPM rated."""
    page.goto(f"{clinic}/plans/{plan_id}/progress")
    page.fill("#review-date", on.isoformat())
    page.select_option("#gas-0", "1")  # the lifting goal, a little better than expected
    page.fill("#copm0_problem", "Picking orders")
    page.fill("#copm0_importance", "9")
    page.fill("#copm0_performance", "6")
    page.fill("#copm0_satisfaction", "5")
    page.get_by_role("button", name="Save the review").click()
    page.wait_for_url("**saved=1*")


def erin_counters(journey, case_id: str) -> str:
    """erin answers the pending request with a counter-proposal (the employer's API); the request's id."""
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
    return request["id"]


def test_tara_does_the_warehouse_picker_through_the_pages(tara, clinic, clinic_ui, journey, clock):
    page, today = tara, clock().date()
    starts = today - timedelta(days=27)  # four weeks of treatment, the last session today at the latest
    page.goto(f"{clinic}/cases")
    checked(page, clinic_ui, "caseload")
    case_id = pages.open_case_through_the_form(page, clinic, (starts - timedelta(days=10)).isoformat())
    checked(page, clinic_ui, "case page")
    pages.record_assessment(page, clinic, case_id)
    checked(page, clinic_ui, "assessment")

    # The draft follows the case: its goals' baselines are the assessment's (by event) before tara edits it.
    def assessed_draft() -> dict | None:
        draft = journey.draft_plan(case_id)
        return draft if draft["goals"] and draft["goals"][0]["baseline"] == 8 else None

    v1 = journey.eventually(assessed_draft, "the draft with the assessment's baselines")["id"]
    link = reload_until(page, f"{clinic}/cases/{case_id}", f"a[href$='/plans/{v1}/builder']", "the draft")
    link.click()
    page.wait_for_url(f"{clinic}/plans/{v1}/builder")
    assert page.input_value("#f-goals-0-target") == "20" and page.input_value("#f-goals-0-baseline") == "8"
    assert page.input_value("#f-goals-1-unit") == "min"  # standing, from the job's demands

    page.fill("#f-goals-0-target", "fifteen")  # live: beside the field, in words, before anything is sent
    page.wait_for_function("() => document.getElementById('f-goals-0-target-err').innerText.includes('not a number')")
    assert page.get_attribute("#f-goals-0-target", "aria-invalid") == "true"
    page.fill("#f-goals-0-target", "15")  # below the job's 20 kg: a clinical warning, named by the goal
    wait_for_checks(page, "No hard error")
    assert page.inner_text("#f-goals-0-target-err") == ""
    build_the_plan(page, starts)
    wait_for_checks(page, "Goal “Pick orders")
    panel = page.inner_text("#checks")
    assert "goals.0" not in panel and "Ready for the job" in panel and "USD" in panel
    assert re.search(r"Week 3 · Mon \d+ \w+ 20\d\d \N{EN DASH} Sun \d+ \w+ 20\d\d", page.inner_text("main"))
    checked(page, clinic_ui, "plan builder with its warnings")
    warnings = pages.acknowledge_and_publish(page)
    assert warnings >= 1 and "The plan is published" in page.inner_text("[role=status]")
    published = journey.ok("GET", "workplan", f"/v1/plans/{v1}", "tara")
    assert published["status"] == "published" and published["goals"][0]["gas"]["zero"].startswith("Lifts a 15 kg")
    assert [a["name"] for a in published["phases"][0]["activities"]] == [
        "Tote lift from the floor",
        "Standing at the bench",
    ]
    assert [w["acknowledged_by_username"] for w in published["acknowledged_warnings"]] == ["tara"] * warnings

    # Twelve sessions over four weeks, each through the session form on its own date.
    for day, lift, stand, before, after in SESSIONS:
        pages.log_session(
            page,
            clinic,
            v1,
            starts + timedelta(days=day),
            lift_kg=str(lift),
            stand_min=str(stand),
            pain=(before, after),
        )
    checked(page, clinic_ui, "a saved session with its recommendations")
    decide(page)
    review(page, clinic, v1, today)
    checked(page, clinic_ui, "progress with the review")

    sessions = pages.sessions_of(journey, v1)
    assert len(sessions) == 12
    assert sorted(s["date"] for s in sessions) == [(starts + timedelta(days=d)).isoformat() for d, *_ in SESSIONS]
    progress = journey.ok("GET", "workplan", f"/v1/plans/{v1}/progress", "tara")
    decided = {a["name"]: a["decision"] for a in progress["activities"]}
    assert decided["Tote lift from the floor"]["overridden"] is False
    assert (
        decided["Standing at the bench"]["overridden"] is True and decided["Standing at the bench"]["chosen"] == "hold"
    )
    assert len(progress["gas"]["reviews"]) == 1 and progress["gas"]["latest_t_score"] > 50
    assert progress["copm"]["latest"] is not None

    # The revision: version 2 opened from the plan, an accommodation added, published; erin is asked again.
    page.goto(f"{clinic}/plans/{v1}")
    page.get_by_role("button", name=re.compile("Revise")).click()
    page.wait_for_url(re.compile(rf"/clinic/plans/{UUID}/builder\?done=revised"))
    assert "version 2, draft" in page.inner_text("main").lower()
    v2 = re.search(rf"/clinic/plans/({UUID})/builder", page.url).group(1)
    page.get_by_role("button", name="Add an accommodation").click()
    page.select_option("#f-accommodations-1-category", "rest_breaks")
    page.fill("#f-accommodations-1-description", "A ten-minute break every two hours")
    wait_for_checks(page, "No hard error")
    pages.acknowledge_and_publish(page)

    # erin counters the revision's request; tara accepts the counter from the plan: the agreed version 3.
    request_id = erin_counters(journey, case_id)
    page.goto(f"{clinic}/plans/{v2}")
    assert "Four hours a day for two weeks" in page.inner_text(".counters")
    clinic_ui.assert_accessible(page)
    page.get_by_role("button", name="Accept the counter-proposal").click()
    page.wait_for_url(re.compile(r"\?done=accepted"))
    agreed = reload_until(page, f"{clinic}/plans/{v2}", "#versions a:has-text('Version 3 (published)')", "v3")
    agreed.click()
    page.wait_for_url(re.compile(rf"/clinic/plans/{UUID}$"))
    assert page.inner_text("h1") == "Plan version 3"
    changes = page.inner_text("section:has(#changes-title)")
    assert "What changed from version 2" in changes and "Week 4: 8 h a day, 5 days, full duties" in changes
    checked(page, clinic_ui, "the agreed version")

    versions = journey.ok("GET", "workplan", f"/v1/plans?case_id={case_id}", "tara")["items"]
    assert sorted((p["version"], p["status"]) for p in versions)[-1] == (3, "published")
    assert {p["version"] for p in versions} >= {1, 2, 3}
    confirmed = journey.ok("GET", "employer", f"/v1/accommodations/{request_id}", "erin")
    assert confirmed["status"] == "confirmed"


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


def test_a_check_that_could_not_run_is_asked_again_then_said_to_be_out_of_date(tara, clinic, journey):
    """A busy service or a lost network: the live checks ask again, and when they still cannot, the panel
    says its checks are not current instead of showing an older answer as the answer."""
    plan = journey.draft_plan(journey.create_case()["id"])
    tara.goto(f"{clinic}/plans/{plan['id']}/builder")
    refused = []

    def busy(route, times: int):
        if len(refused) < times:
            refused.append(route.request.url)
            route.fulfill(status=503, body="busy")
        else:
            route.continue_()

    tara.route("**/check", lambda route: busy(route, 2))
    tara.fill("#f-goals-0-baseline", "30")  # above its target: the answer, once it comes, says so
    tara.wait_for_function("() => document.getElementById('f-goals-0-err').innerText.includes('below baseline')")
    assert len(refused) == 2 and "could not be brought up to date" not in tara.inner_text("#checks")
    tara.unroute("**/check")

    tara.route("**/check", lambda route: route.abort())
    tara.fill("#f-goals-0-baseline", "5")
    expect(tara.locator("#checks .checks-stale")).to_contain_text("could not be brought up to date", timeout=15_000)
    tara.unroute("**/check")
    tara.fill("#f-goals-0-baseline", "6")  # typing again asks again, and the note goes with the new answer
    expect(tara.locator("#checks .checks-stale")).to_have_count(0, timeout=15_000)


def tab_to(page, matches, what: str, limit: int = 80):
    """Press Tab until the focused element satisfies `matches` (a JS predicate on `el`); fail naming `what`."""
    for _ in range(limit):
        page.keyboard.press("Tab")
        if page.evaluate(f"(() => {{ const el = document.activeElement; return !!el && ({matches}); }})()"):
            return
    raise AssertionError(f"{what} is not reachable with the Tab key in {limit} presses")


def focus_is_visible(page) -> bool:
    """Whether the focused element shows where the keyboard is (an outline, as :focus-visible draws it)."""
    return page.evaluate(
        "(() => { const s = getComputedStyle(document.activeElement);"
        " return s.outlineStyle !== 'none' && parseFloat(s.outlineWidth) > 0; })()"
    )


def test_the_caseload_search_and_a_case_work_from_the_keyboard_alone(tara, clinic, journey):
    """Keyboard only: from the caseload, Tab to the search field, type a name and Enter; Tab to the case
    found and Enter opens it. Every stop shows its focus."""
    case = journey.create_case()
    family_name = case["worker"]["family_name"]
    tara.goto(f"{clinic}/cases")
    tab_to(tara, "el.id === 'q'", "the caseload's search field")
    assert focus_is_visible(tara)
    tara.keyboard.type(family_name)
    tara.keyboard.press("Enter")
    tara.wait_for_url(re.compile(r".*[?&]q="))
    tab_to(tara, f"el.tagName === 'A' && el.href.includes('{case['id']}')", "the case found")
    assert focus_is_visible(tara)
    tara.keyboard.press("Enter")
    tara.wait_for_url(f"**/cases/{case['id']}")
    assert family_name in tara.locator("h1").inner_text()
