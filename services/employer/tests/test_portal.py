"""The employer portal against the real Keycloak (its login page, its tokens): who gets in, what each
page shows, decisions through forms with the CSRF token and If-Match, and the audit rows they leave
(docs/portal.md). The browser itself is driven in tests/browser."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from urllib.parse import parse_qs, urlsplit

import pytest
from sqlalchemy import text

from .conftest import PORTAL, csrf_token, version_on


def audit_rows(engine, username: str) -> list[dict]:
    with engine.connect() as conn:
        rows = conn.execute(
            text(
                "SELECT action, method, path, outcome, status_code, case_ids, role, org_id FROM audit_log "
                "WHERE username = :u ORDER BY id"
            ),
            {"u": username},
        ).mappings()
        return [dict(r) for r in rows]


def test_a_stranger_is_asked_to_sign_in(browser):
    client = browser()
    home = client.get("/portal")
    assert home.status_code == 200 and "Sign in" in home.text
    assert client.get("/portal/requests").headers["location"] == "/portal/login?next=/portal/requests"
    started = client.get("/portal/login?next=/portal/history")
    assert started.status_code == 303
    query = parse_qs(urlsplit(started.headers["location"]).query)
    assert (
        urlsplit(started.headers["location"]).netloc == "127.0.0.1:58080" or "realms/rtw" in started.headers["location"]
    )
    assert (query["client_id"], query["response_type"], query["code_challenge_method"]) == (
        ["rtw-portal"],
        ["code"],
        ["S256"],
    )
    assert query["redirect_uri"] == [f"{PORTAL}/portal/callback"]
    assert query["state"][0] and query["nonce"][0] and query["code_challenge"][0]
    cookie = started.headers["set-cookie"]
    assert "rtw_portal_login=" in cookie and "HttpOnly" in cookie and "samesite=lax" in cookie.lower()


def test_erin_signs_in_and_sees_her_pending_request_with_security_headers(signed_in, open_request):
    request_id, _ = open_request()
    client = signed_in("erin")
    page = client.get("/portal/requests")
    assert page.status_code == 200
    assert "Maria Lopez" in page.text and "Warehouse associate" in page.text and "due in 7 days" in page.text
    assert f"/portal/requests/{request_id}" in page.text
    csp = page.headers["content-security-policy"]
    assert "script-src 'self'" in csp and "unsafe-inline" not in csp and "frame-ancestors 'none'" in csp
    assert page.headers["cache-control"] == "no-store"
    assert page.headers["referrer-policy"] == "no-referrer"
    assert page.headers["x-frame-options"] == "DENY"


def test_the_session_cookie_is_httponly_lax_for_the_portal_only_and_the_login_cookie_goes(browser, sign_in):
    client = browser()
    answer = sign_in(client, "erin", next_path="/portal/history")
    assert answer.headers["location"] == "/portal/history"
    cookies = answer.headers.get_list("set-cookie")
    [session] = [c for c in cookies if c.startswith("rtw_portal_session=")]
    assert "HttpOnly" in session and "Path=/portal" in session and "samesite=lax" in session.lower()
    assert "Secure" not in session  # on this machine (127.0.0.1) only; anywhere else it is Secure
    assert any(c.startswith('rtw_portal_login=""') or "rtw_portal_login=;" in c for c in cookies)


def test_evan_sees_none_of_acmes_requests(signed_in, open_request):
    request_id, _ = open_request()
    client = signed_in("evan")
    page = client.get("/portal/requests")
    assert page.status_code == 200 and "Nothing is waiting for your answer" in page.text
    assert "Maria Lopez" not in page.text
    refused = client.get(f"/portal/requests/{request_id}")
    assert refused.status_code == 404 and "Maria Lopez" not in refused.text and "not found" in refused.text
    assert "Maria Lopez" not in client.get("/portal/history").text


@pytest.mark.parametrize("user", ["tara", "ivy", "ada"])
def test_someone_who_is_not_an_employer_is_refused_politely(signed_in, open_request, engine, user):
    request_id, _ = open_request()
    client = signed_in(user)
    for path in ("/portal/requests", f"/portal/requests/{request_id}", "/portal/history"):
        page = client.get(path)
        assert page.status_code == 403 and "This portal is for employers" in page.text, path
        assert "Maria Lopez" not in page.text and "Traceback" not in page.text
    assert client.get("/portal").status_code == 403
    assert ("portal_history", "denied", 403) in [
        (r["action"], r["outcome"], r["status_code"]) for r in audit_rows(engine, user)
    ]


def test_a_request_page_says_it_in_plain_words_and_shows_no_clinical_data(signed_in, open_request):
    request_id, _ = open_request()
    page = signed_in("erin").get(f"/portal/requests/{request_id}")
    assert page.status_code == 200
    assert "No lifting from floor to waist over 10 kg, occasional" in page.text
    assert "Modified duties" in page.text and "the same job without the tasks the worker cannot do yet" in page.text
    assert "plan version 1" in page.text and "<svg" in page.text and "Week 2" in page.text
    for clinical in ("S39", "lumbar", "diagnosis_codes", "mechanism", "pain"):
        assert clinical not in page.text


def test_without_the_workers_consent_the_page_shows_no_name_and_no_restrictions(signed_in, open_request, deliver):
    request_id, story = open_request()
    deliver(*story.consent("share_restrictions_with_employer", False))
    page = signed_in("erin").get(f"/portal/requests/{request_id}")
    assert page.status_code == 200 and "Maria Lopez" not in page.text and "Worker not named" in page.text
    assert "not agreed to share" in page.text and "from floor to waist" not in page.text and "<svg" not in page.text
    assert "Modified duties" in page.text  # the accommodations are still there to answer


def test_erin_confirms_through_the_form_and_the_api_and_the_audit_log_agree(
    signed_in, open_request, client, tokens, engine, outbox
):
    request_id, story = open_request()
    portal = signed_in("erin")
    page = portal.get(f"/portal/requests/{request_id}")
    assert "you attest for <strong>acme</strong>" in page.text
    answer = portal.post(
        f"/portal/requests/{request_id}/confirm",
        data={"csrf_token": csrf_token(page.text), "version": version_on(page.text), "note": "Pallet jack ready"},
    )
    assert (answer.status_code, answer.headers["location"]) == (303, f"/portal/requests/{request_id}?done=confirmed")
    shown = client.get(f"/v1/accommodations/{request_id}", headers=tokens.headers("erin")).json()
    assert (shown["status"], shown["decided_by_username"], shown["note"]) == ("confirmed", "erin", "Pallet jack ready")
    after = portal.get(answer.headers["location"])
    assert "Confirmed" in after.text and shown["attestation_sha256"] in after.text
    assert outbox()[-1][0] == "rtw.accommodation.decided.v1"
    history = portal.get("/portal/history")
    assert shown["attestation_sha256"] in history.text and "erin" in history.text
    rows = audit_rows(engine, "erin")
    confirm = [r for r in rows if r["action"] == "portal_confirm"]
    assert [(r["method"], r["outcome"], r["status_code"], r["role"], r["org_id"]) for r in confirm] == [
        ("POST", "allowed", 303, "employer", "acme")
    ]
    assert confirm[0]["case_ids"] == [str(story.case_id)]
    assert any(r["action"] == "portal_request" and r["case_ids"] == [str(story.case_id)] for r in rows)


def test_a_post_without_the_form_token_is_refused_and_changes_nothing(signed_in, open_request, client, tokens):
    request_id, _ = open_request()
    portal = signed_in("erin")
    version = version_on(portal.get(f"/portal/requests/{request_id}").text)
    for token in ("", "forged"):
        refused = portal.post(f"/portal/requests/{request_id}/confirm", data={"csrf_token": token, "version": version})
        assert refused.status_code == 403 and "Form not accepted" in refused.text
    other = signed_in("erin")  # another session's token is not this one's
    stolen = csrf_token(other.get("/portal/requests").text)
    assert (
        portal.post(
            f"/portal/requests/{request_id}/confirm", data={"csrf_token": stolen, "version": version}
        ).status_code
        == 403
    )
    assert (
        client.get(f"/v1/accommodations/{request_id}", headers=tokens.headers("erin")).json()["status"] == "requested"
    )


def test_a_stale_page_and_a_second_answer_say_so_clearly(signed_in, open_request):
    request_id, _ = open_request()
    portal = signed_in("erin")
    page = portal.get(f"/portal/requests/{request_id}")
    form = {"csrf_token": csrf_token(page.text), "version": version_on(page.text)}
    assert portal.post(f"/portal/requests/{request_id}/confirm", data=form).status_code == 303
    stale = portal.post(f"/portal/requests/{request_id}/decline", data={**form, "reason": "No space"})
    assert stale.status_code == 412 and "changed since you opened it" in stale.text
    fresh = {**form, "version": version_on(portal.get(f"/portal/requests/{request_id}").text)} if False else None
    assert fresh is None
    again = portal.post(f"/portal/requests/{request_id}/decline", data={**form, "version": "2", "reason": "No space"})
    assert again.status_code == 409 and "already confirmed" in again.text


def test_a_decline_needs_a_reason(signed_in, open_request, client, tokens):
    request_id, _ = open_request()
    portal = signed_in("erin")
    page = portal.get(f"/portal/requests/{request_id}")
    form = {"csrf_token": csrf_token(page.text), "version": version_on(page.text)}
    empty = portal.post(f"/portal/requests/{request_id}/decline", data={**form, "reason": "  "})
    assert empty.status_code == 422 and "Say why you decline" in empty.text
    declined = portal.post(f"/portal/requests/{request_id}/decline", data={**form, "reason": "No modified work now"})
    assert declined.status_code == 303
    shown = client.get(f"/v1/accommodations/{request_id}", headers=tokens.headers("erin")).json()
    assert (shown["status"], shown["note"]) == ("declined", "No modified work now")


def test_a_counter_proposal_goes_back_and_the_employer_sees_the_therapist_accept_it(
    signed_in, open_request, client, tokens
):
    request_id, _ = open_request()
    portal = signed_in("erin")
    page = portal.get(f"/portal/requests/{request_id}")
    form = {
        "csrf_token": csrf_token(page.text),
        "version": version_on(page.text),
        "description": "Packing station instead of the floor",
        "acc_category": ["modified_duties", "rest_breaks", "other"],
        "acc_description": ["Packing station, no floor lifting", "", ""],
        "offer_schedule": "yes",
        "week": ["1", "2"],
        "hours_per_day": ["4", "six"],
        "days_per_week": ["5", "5"],
        "duties": ["modified", "full"],
    }
    bad = portal.post(f"/portal/requests/{request_id}/counter", data=form)
    assert bad.status_code == 422 and "Week 2: give hours a day and days a week as numbers" in bad.text
    sent = portal.post(f"/portal/requests/{request_id}/counter", data={**form, "hours_per_day": ["4", "6"]})
    assert sent.status_code == 303
    shown = client.get(f"/v1/accommodations/{request_id}", headers=tokens.headers("tara"))
    assert shown.json()["status"] == "countered"
    assert shown.json()["counter"] == {
        "description": "Packing station instead of the floor",
        "accommodations": [{"category": "modified_duties", "description": "Packing station, no floor lifting"}],
        "schedule": [  # the plan's schedule has no start yet: no dates
            {
                "week": 1,
                "hours_per_day": 4.0,
                "days_per_week": 5,
                "duties": "modified",
                "starts_on": None,
                "ends_on": None,
            },
            {"week": 2, "hours_per_day": 6.0, "days_per_week": 5, "duties": "full", "starts_on": None, "ends_on": None},
        ],
        "schedule_start_date": None,
    }
    accepted = client.post(
        f"/v1/accommodations/{request_id}/counter/accept",
        headers={**tokens.headers("tara"), "If-Match": shown.headers["ETag"]},
    )
    assert accepted.status_code == 200, accepted.text
    after = portal.get(f"/portal/requests/{request_id}")
    assert "accepted your counter-proposal" in after.text and accepted.json()["agreement_sha256"] in after.text


def test_a_bad_address_or_unknown_request_is_a_page_not_a_stack_trace(signed_in):
    portal = signed_in("erin")
    bad = portal.get("/portal/requests/not-a-uuid")
    assert bad.status_code == 422 and "text/html" in bad.headers["content-type"]
    unknown = portal.get("/portal/requests/00000000-0000-0000-0000-000000000000")
    assert unknown.status_code == 404 and "text/html" in unknown.headers["content-type"]
    assert portal.get("/portal/requests?cursor=nonsense").status_code == 422


def test_a_callback_that_did_not_start_here_is_refused(browser, sign_in):
    client = browser()
    forged = client.get("/portal/callback", params={"code": "abc", "state": "not-ours"})
    assert forged.status_code == 400 and "Signing in did not work" in forged.text
    started = client.get("/portal/login")
    state = parse_qs(urlsplit(started.headers["location"]).query)["state"][0]
    wrong_state = client.get("/portal/callback", params={"code": "abc", "state": state + "x"})
    assert wrong_state.status_code == 400
    assert "rtw_portal_session" not in client.cookies


def test_sign_out_ends_the_session_here_and_at_keycloak(signed_in, engine):
    portal = signed_in("erin")
    token = csrf_token(portal.get("/portal/requests").text)
    refused = portal.post("/portal/logout", data={"csrf_token": "forged"})
    assert refused.status_code == 403
    cookie = portal.cookies.get("rtw_portal_session")
    out = portal.post("/portal/logout", data={"csrf_token": token})
    assert out.status_code == 303
    target = urlsplit(out.headers["location"])
    query = parse_qs(target.query)
    assert target.path == "/realms/rtw/protocol/openid-connect/logout"
    assert query["post_logout_redirect_uri"] == [f"{PORTAL}/portal/signed-out"] and query["id_token_hint"][0]
    with engine.connect() as conn:
        assert (
            conn.execute(
                text("SELECT count(*) FROM portal_sessions WHERE subject IN (SELECT subject FROM portal_sessions)")
            ).scalar()
            == 0
        )
    portal.cookies.set("rtw_portal_session", cookie, domain="127.0.0.1", path="/portal")
    assert portal.get("/portal/requests").status_code == 303  # the old cookie opens nothing


def test_an_idle_session_ends_and_an_expiring_token_is_refreshed(signed_in, engine):
    portal = signed_in("erin")
    with engine.begin() as conn:
        before = conn.execute(text("SELECT access_token FROM portal_sessions")).scalar_one()
        conn.execute(text("UPDATE portal_sessions SET access_expires_at = now() - interval '1 minute'"))
    assert portal.get("/portal/requests").status_code == 200
    with engine.begin() as conn:
        after, expires = conn.execute(text("SELECT access_token, access_expires_at FROM portal_sessions")).one()
        assert after != before and expires > datetime.now(UTC) + timedelta(minutes=1)
        conn.execute(text("UPDATE portal_sessions SET last_seen_at = now() - interval '31 minutes'"))
    gone = portal.get("/portal/requests")
    assert gone.status_code == 303 and gone.headers["location"].startswith("/portal/login")
    with engine.connect() as conn:
        assert conn.execute(text("SELECT count(*) FROM portal_sessions")).scalar() == 0


def test_the_pending_list_is_paged_newest_first(signed_in, deliver, case_story, plan_published, employer_settings):
    stories = [case_story() for _ in range(12)]
    for story in stories:
        deliver(*story.opened(), plan_published(story.case_id))
    portal = signed_in("erin")
    first = portal.get("/portal/requests")
    assert first.text.count('class="card"') == employer_settings.portal_page_size
    next_link = re.search(r'href="([^"]*cursor=[^"]+)"', first.text).group(1).replace("&amp;", "&")
    second = portal.get(next_link)
    assert second.text.count('class="card"') == 12 - employer_settings.portal_page_size
    assert "First page" in second.text
