"""Organisation contacts (who is emailed for an organisation) and each person's email preferences,
over the API with real tokens; the emails as the SMTP sink receives them: recipients, a text and an
HTML part, what changed — and nothing about the worker's health."""

from __future__ import annotations

import uuid
from email import message_from_bytes
from email.policy import default as default_policy
from mailbox import Maildir

import pytest
from sqlalchemy import text

from rtw_devstack.accounts import temporary_account
from rtw_notify.emails.sender import EmailSender


def test_an_employer_manages_its_own_contacts(client, tokens, contact):
    added = contact("erin", "Coordinator@Acme.example", name="RTW coordinator")
    assert (added["org_id"], added["email"], added["name"]) == ("acme", "Coordinator@acme.example", "RTW coordinator")
    again = client.post("/v1/contacts", json={"email": "coordinator@acme.example"}, headers=tokens.headers("erin"))
    assert again.status_code == 409
    assert [c["id"] for c in client.get("/v1/contacts", headers=tokens.headers("erin")).json()["items"]] == [
        added["id"]
    ]
    assert client.get("/v1/contacts", headers=tokens.headers("evan")).json()["items"] == []
    assert client.delete(f"/v1/contacts/{added['id']}", headers=tokens.headers("evan")).status_code == 404
    assert client.delete(f"/v1/contacts/{added['id']}", headers=tokens.headers("erin")).status_code == 204
    assert client.get("/v1/contacts", headers=tokens.headers("erin")).json()["items"] == []


def test_who_may_manage_contacts(client, tokens, contact):
    body = {"email": "x@example.com"}
    assert client.post("/v1/contacts", json=body, headers=tokens.headers("tara")).status_code == 403
    assert client.get("/v1/contacts", headers=tokens.headers("tara")).status_code == 403
    assert (
        client.post("/v1/contacts", json={**body, "org_id": "globex"}, headers=tokens.headers("erin")).status_code
        == 403
    )
    assert client.post("/v1/contacts", json=body, headers=tokens.headers("ada")).status_code == 422
    made = client.post("/v1/contacts", json={**body, "org_id": "globex"}, headers=tokens.headers("ada"))
    assert made.status_code == 201 and (made.json()["org_id"], made.json()["status"]) == ("globex", "proposed")
    assert [
        (c["email"], c["status"]) for c in client.get("/v1/contacts", headers=tokens.headers("evan")).json()["items"]
    ] == [("x@example.com", "proposed")]
    assert client.post("/v1/contacts", json=body).status_code == 401
    assert client.delete(f"/v1/contacts/{uuid.uuid4()}", headers=tokens.headers("erin")).status_code == 404


def test_an_administrators_contact_hears_nothing_until_the_organisation_confirms_it(
    client, tokens, apply, events, subject_of, engine
):
    """ada adding her own address as acme's contact must not receive acme's requests: acme confirms first."""
    proposed = client.post(
        "/v1/contacts", json={"email": "ada@platform.example", "org_id": "acme"}, headers=tokens.headers("ada")
    ).json()
    case = events.case_created(therapist_id=subject_of("tara"))
    apply(case)
    apply(events.requested(case))
    path = f"/v1/contacts/{proposed['id']}/confirm"
    assert client.post(path, headers=tokens.headers("ada")).status_code == 403
    assert client.post(path, headers=tokens.headers("evan")).status_code == 404
    assert client.post(path, headers={**tokens.headers("erin"), "If-Match": '"9"'}).status_code == 412
    confirmed = client.post(path, headers={**tokens.headers("erin"), "If-Match": '"1"'})
    assert confirmed.status_code == 200 and confirmed.json()["status"] == "active", confirmed.text
    assert confirmed.headers["ETag"] == '"2"'
    assert client.post(path, headers=tokens.headers("erin")).status_code == 409
    second = apply(events.requested(case)).data
    with engine.connect() as conn:
        sent = conn.execute(text("SELECT body FROM emails WHERE recipient = 'ada@platform.example'")).scalars().all()
    assert len(sent) == 1 and str(second.accommodation_id) in sent[0]


@pytest.mark.parametrize("body", [{"email": "not an address"}, {"email": "a@b.example", "extra": 1}, {}, {"email": 5}])
def test_bad_contacts_are_422(client, tokens, body):
    response = client.post("/v1/contacts", json=body, headers=tokens.headers("erin"))
    assert response.status_code == 422 and response.headers["content-type"] == "application/problem+json"


def test_preferences_are_each_persons_own_and_take_if_match(client, tokens):
    mine = client.get("/v1/email-preferences", headers=tokens.headers("tara"))
    assert mine.status_code == 200 and mine.headers["ETag"] == '"0"'
    assert mine.json()["email"] == "tara@clinic-north.example" and mine.json()["disabled_kinds"] == []
    assert "accommodation_decided" in mine.json()["available_kinds"]
    put = client.put(
        "/v1/email-preferences",
        json={"disabled_kinds": ["plan_review_due"]},
        headers={**tokens.headers("tara"), "If-Match": '"0"'},
    )
    assert put.status_code == 200 and put.json()["disabled_kinds"] == ["plan_review_due"] and put.json()["version"] == 1
    stale = client.put(
        "/v1/email-preferences", json={"disabled_kinds": []}, headers={**tokens.headers("tara"), "If-Match": '"0"'}
    )
    assert stale.status_code == 412
    assert client.get("/v1/email-preferences", headers=tokens.headers("theo")).json()["disabled_kinds"] == []
    bad = client.put("/v1/email-preferences", json={"disabled_kinds": ["spam"]}, headers=tokens.headers("tara"))
    assert bad.status_code == 422


def test_an_unverified_address_cannot_turn_a_contacts_emails_off(
    client, tokens, contact, rtw_infra, apply, events, subject_of, engine
):
    """Someone whose account claims a contact's address without Keycloak having verified it (no RTW
    role needed) must not silence that contact: preferences are keyed by the address."""
    address = f"coordinator-{uuid.uuid4().hex[:8]}@acme.example"
    contact("erin", address)
    with temporary_account(
        rtw_infra.keycloak_url, rtw_infra.keycloak_realm, org_id="umbrella", email=address, email_verified=False
    ) as stranger:
        mine = client.get("/v1/email-preferences", headers=stranger.headers)
        assert mine.status_code == 200 and mine.json()["email"] is None
        refused = client.put(
            "/v1/email-preferences", json={"disabled_kinds": ["accommodation_requested"]}, headers=stranger.headers
        )
    assert refused.status_code == 422, refused.text
    assert refused.json()["field"] == "email" and "not verified" in refused.json()["detail"]
    case = events.case_created(therapist_id=subject_of("tara"))
    apply(case)
    apply(events.requested(case))
    with engine.connect() as conn:
        assert conn.execute(
            text("SELECT recipient FROM emails WHERE kind = 'accommodation_requested'")
        ).scalars().all() == [address]
        assert conn.execute(text("SELECT count(*) FROM email_preferences")).scalar() == 0


def test_a_kind_turned_off_is_not_emailed_but_still_in_the_inbox(
    client, tokens, apply, events, subject_of, engine, inbox
):
    client.put(
        "/v1/email-preferences", json={"disabled_kinds": ["accommodation_decided"]}, headers=tokens.headers("tara")
    )
    case = events.case_created(therapist_id=subject_of("tara"))
    apply(case)
    apply(events.decided(case))
    assert [n["kind"] for n in inbox("tara")] == ["accommodation_decided"]
    with engine.connect() as conn:
        assert conn.execute(text("SELECT count(*) FROM emails")).scalar() == 0


def parts(rtw_infra, key: str) -> dict[str, str]:
    stored = Maildir(rtw_infra.maildir, create=False)[key]
    message = message_from_bytes(stored.as_bytes(), policy=default_policy)
    return {
        "text": message.get_body(preferencelist=("plain",)).get_content(),
        "html": message.get_body(preferencelist=("html",)).get_content(),
    }


def test_a_counter_offer_email_says_what_was_offered_in_both_parts(
    apply, events, subject_of, engine, notify_settings, rtw_infra, loops
):
    case = events.case_created(therapist_id=subject_of("tara"))
    apply(case)
    apply(events.decided(case, "countered", counter=events.counter))
    EmailSender(loops).send_pending_once()
    [mail] = [m for m in rtw_infra.received_mail() if case.reference in m.subject]
    assert mail.recipients == ["tara@clinic-north.example"]
    assert mail.subject == f"Accommodation countered for case {case.reference}"
    both = parts(rtw_infra, mail.key)
    for part in both.values():
        assert "Half days for two weeks instead of the schedule" in part
        assert "A 10-minute break every 2 hours" in part
        assert "4 h/day, 5 days/week, modified duties" in part
        assert str(case.case_id) in part and f"http://127.0.0.1:8102/clinic/cases/{case.case_id}" in part
        assert "/v1/" not in part
    assert both["html"].startswith("<!doctype html>")
    for clinical in ("diagnos", "pain", "S39", "lumbar", "note"):
        assert clinical not in both["text"].lower()


def test_the_employers_contacts_are_emailed_a_request_with_its_portal_link(
    apply, events, subject_of, engine, notify_settings, rtw_infra, contact, loops
):
    contact("erin", "coordinator@acme.example")
    contact("erin", "supervisor@acme.example")
    contact("evan", "someone@globex.example")
    case = events.case_created(therapist_id=subject_of("tara"))
    apply(case)
    request = apply(events.requested(case)).data
    EmailSender(loops).send_pending_once()
    mails = [m for m in rtw_infra.received_mail() if case.reference in m.subject]
    assert sorted(r for m in mails for r in m.recipients) == ["coordinator@acme.example", "supervisor@acme.example"]
    for mail in mails:
        due = f"{request.due_date:%a} {request.due_date.day} {request.due_date:%b %Y}"
        assert mail.subject == f"Accommodation request for case {case.reference}: please answer by {due}"
        both = parts(rtw_infra, mail.key)
        link = f"http://127.0.0.1:8103/portal/requests/{request.accommodation_id}"
        assert link in both["text"] and f'href="{link}"' in both["html"]


def test_read_state_is_per_person_not_per_organisation(client, tokens, apply, events, subject_of, inbox):
    """ivy and northwind's machine account are both northwind insurers: one reading does not read it for the other."""
    case = events.case_created(therapist_id=subject_of("tara"))
    apply(case)
    apply(events.status_changed(case, "withdrawn"))
    [item] = inbox("ivy")
    machine = {"Authorization": f"Bearer {tokens.client('northwind-api', 'northwind-secret')}"}
    assert client.post(f"/v1/notifications/{item['id']}/read", headers=tokens.headers("ivy")).status_code == 200
    assert inbox("ivy", "?unread=true") == []
    assert inbox("ivy")[0]["read_at"] is not None
    theirs = client.get("/v1/notifications?unread=true", headers=machine).json()["items"]
    assert [(n["id"], n["read_at"]) for n in theirs] == [(item["id"], None)]
