"""The employer portal in a real browser (headless Chromium), signing in on Keycloak's real page:
erin confirms the request the journey created and the API agrees; evan sees none of acme's; a
form without its CSRF token is refused; a therapist is turned away politely; signing out ends the
Keycloak session too; every page passes axe-core (no serious or critical WCAG 2.1 AA violation)
and has no horizontal scroll at 375 px (docs/portal.md)."""

from __future__ import annotations

import re

import pytest

pytestmark = pytest.mark.slow


def test_erin_signs_in_sees_the_request_and_confirms_it(new_page, ui, portal, journey, open_request):
    request = open_request()
    page = new_page()
    page.goto(portal)
    ui.assert_accessible(page)  # the sign-in page
    ui.sign_in(page, "erin")
    assert page.url == f"{portal}/requests"
    card = page.locator(".card", has=page.locator(f"a[href$='/portal/requests/{request['id']}']"))
    assert "Maria Lopez" in card.inner_text() and "due in 7 days" in card.inner_text()
    ui.assert_accessible(page)
    card.get_by_role("link").click()
    page.wait_for_url(f"{portal}/requests/{request['id']}")
    assert "No lifting from floor to waist over 10 kg" in page.inner_text("main")
    assert page.locator("svg[role=img]").count() == 1
    ui.assert_accessible(page)
    page.fill("#confirm-note", "Team lead briefed")
    page.get_by_role("button", name="Confirm").click()
    page.wait_for_url(f"{portal}/requests/{request['id']}?done=confirmed")
    shown = journey.ok("GET", "employer", f"/v1/accommodations/{request['id']}", "erin")
    assert (shown["status"], shown["note"], shown["decided_by_username"]) == ("confirmed", "Team lead briefed", "erin")
    assert shown["attestation_sha256"] in page.inner_text("[role=status]")
    ui.assert_accessible(page)
    page.get_by_role("link", name="History").click()
    assert shown["attestation_sha256"] in page.inner_text("main")
    ui.assert_accessible(page)


def test_evan_sees_none_of_acmes_requests(new_page, ui, portal, open_request):
    request = open_request()
    page = new_page()
    ui.sign_in(page, "evan")
    assert "Maria Lopez" not in page.inner_text("main")
    assert page.locator(f"a[href$='/portal/requests/{request['id']}']").count() == 0
    refused = page.goto(f"{portal}/requests/{request['id']}")
    assert refused.status == 404 and "Maria Lopez" not in page.inner_text("body")
    ui.assert_accessible(page)


def test_a_form_without_its_csrf_token_is_refused(new_page, ui, portal, journey, open_request):
    request = open_request()
    page = new_page()
    ui.sign_in(page, "erin")
    page.goto(f"{portal}/requests/{request['id']}")
    page.evaluate("() => document.querySelectorAll('input[name=csrf_token]').forEach(e => e.remove())")
    with page.expect_navigation() as answered:
        page.get_by_role("button", name="Confirm").click()
    assert answered.value.status == 403 and "Form not accepted" in page.inner_text("main")
    forged = page.request.post(
        f"{portal}/requests/{request['id']}/confirm", form={"csrf_token": "forged", "version": "1"}, max_redirects=0
    )
    assert forged.status == 403
    assert journey.ok("GET", "employer", f"/v1/accommodations/{request['id']}", "erin")["status"] == "requested"


def test_a_therapist_is_refused_politely(new_page, ui, portal):
    page = new_page()
    ui.sign_in(page, "tara")
    assert "This portal is for employers" in page.inner_text("h1")
    assert "tara" in page.inner_text("main") and "Traceback" not in page.content()
    ui.assert_accessible(page)


def test_signing_out_ends_the_keycloak_session_too(new_page, ui, portal):
    page = new_page()
    ui.sign_in(page, "erin")
    page.get_by_role("button", name="Sign out").click()
    page.wait_for_url(f"{portal}/signed-out")
    assert "You are signed out" in page.inner_text("h1")
    ui.assert_accessible(page)
    page.goto(f"{portal}/requests")
    page.wait_for_selector("#kc-form-login")  # Keycloak asks for the password again: its session ended too
    assert re.search(r"/realms/rtw/protocol/openid-connect/auth", page.url)


def test_every_page_fits_a_375_px_phone(new_page, ui, portal, open_request):
    request = open_request()
    page = new_page(ui.PHONE)
    page.goto(portal)
    assert ui.overflow(page) == 0, "sign-in page"
    ui.sign_in(page, "erin")
    for path in ("/requests", "/history", f"/requests/{request['id']}"):
        page.goto(portal + path)
        assert ui.overflow(page) == 0, path
        ui.assert_accessible(page)
    page.get_by_text("Counter-propose").click()  # the longest form, opened
    assert ui.overflow(page) == 0, "counter-proposal form"
    ui.assert_accessible(page)


def test_a_counter_with_a_later_start_and_an_extra_week_then_what_was_agreed(
    new_page, ui, portal, journey, open_request
):
    """The counter form's schedule (a start date, an added week), sent and accepted: the request's page then
    shows what was agreed above what was originally requested — accessible, and fitting a phone."""
    request = open_request()
    last_week = request["schedule"][-1]["week"]
    page = new_page(ui.PHONE)
    ui.sign_in(page, "erin")
    page.goto(f"{portal}/requests/{request['id']}")
    page.get_by_text("Counter-propose").click()
    page.fill("#counter-description", "A week later, and one more week of full days")
    page.check("#offer-schedule")
    page.fill("#schedule-start", "2027-03-01")
    page.fill(f"#hours-{last_week + 1}", "8")
    page.fill(f"#days-{last_week + 1}", "5")
    page.select_option(f"#duties-{last_week + 1}", "full")
    ui.assert_accessible(page)  # the schedule rows, enabled
    assert ui.overflow(page) == 0, "counter form with its schedule offered"
    page.get_by_role("button", name="Send counter-proposal").click()
    page.wait_for_url(f"{portal}/requests/{request['id']}?done=countered")
    counter = journey.ok("GET", "employer", f"/v1/accommodations/{request['id']}", "tara")["counter"]
    assert counter["schedule_start_date"] == "2027-03-01"
    assert [w["week"] for w in counter["schedule"]][-1] == last_week + 1
    assert counter["schedule"][0]["starts_on"] == "2027-03-01"
    journey.ok("POST", "employer", f"/v1/accommodations/{request['id']}/counter/accept", "tara")
    page.goto(f"{portal}/requests/{request['id']}")
    main = page.inner_text("main")
    assert main.index("What was agreed") < main.index("Originally requested")
    assert "Mon 1 Mar 2027" in main
    ui.assert_accessible(page)
    assert ui.overflow(page) == 0, "an agreed request"
