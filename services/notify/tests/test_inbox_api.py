"""Notify's inbox: events become notifications for exactly the right people; real database and tokens."""

from __future__ import annotations

import uuid

import pytest
from sqlalchemy import text

from rtw_shared.messaging.parking import CaseNotKnownYet


def email_rows(engine) -> list[dict]:
    with engine.connect() as conn:
        return [dict(r._mapping) for r in conn.execute(text("SELECT * FROM emails ORDER BY created_at"))]


def test_a_request_reaches_the_employer_organisation_only(client, tokens, apply, events, subject_of, inbox):
    case = events.case_created(therapist_id=subject_of("tara"))
    apply(case)
    request = events.requested(case)
    apply(request)
    [item] = inbox("erin")
    assert item["kind"] == "accommodation_requested"
    assert item["title"] == f"Accommodation request for case {case.reference}"
    assert item["case_id"] == str(case.case_id) and item["accommodation_id"] == str(request.accommodation_id)
    assert item["read_at"] is None
    assert inbox("evan") == []
    assert inbox("tara") == []
    assert inbox("ivy") == []


def test_a_decision_reaches_the_therapist_in_app_and_queues_one_email(
    client, tokens, apply, events, subject_of, engine, inbox
):
    case = events.case_created(therapist_id=subject_of("tara"))
    apply(case)
    envelope = apply(events.decided(case, "declined"))
    [item] = inbox("tara")
    assert item["kind"] == "accommodation_decided"
    assert item["title"] == f"Accommodation declined for case {case.reference}"
    assert inbox("theo") == []
    assert inbox("erin") == []
    [email] = email_rows(engine)
    assert email["idempotency_key"] == f"{envelope.id}:email:therapist"
    assert email["recipient"] == "tara@clinic-north.example"
    assert (email["status"], email["attempts"]) == ("pending", 0)
    assert str(email["notification_id"]) == item["id"]


def test_no_email_without_an_address(apply, events, subject_of, engine, inbox):
    case = events.case_created(therapist_id=subject_of("tara"), therapist_email=None)
    apply(case)
    apply(events.decided(case))
    assert email_rows(engine) == []
    assert [n["kind"] for n in inbox("tara")] == ["accommodation_decided"]


@pytest.mark.parametrize("builder", ["requested", "decided", "accommodation_withdrawn", "plan_cancelled"])
def test_an_event_about_an_unknown_case_asks_to_wait_and_writes_nothing(apply, events, engine, builder):
    unknown = events.case_created(therapist_id="someone")
    with pytest.raises(CaseNotKnownYet) as raised:
        apply(getattr(events, builder)(unknown))
    assert raised.value.case_id == unknown.case_id
    with engine.connect() as conn:
        assert conn.execute(text("SELECT count(*) FROM notifications")).scalar() == 0
    assert email_rows(engine) == []


def test_marking_read_sets_read_at_once_and_filters_unread(client, tokens, apply, events, subject_of, inbox):
    case = events.case_created(therapist_id=subject_of("tara"))
    apply(case)
    apply(events.requested(case))
    apply(events.requested(case))
    first, second = inbox("erin")
    response = client.post(f"/v1/notifications/{first['id']}/read", headers=tokens.headers("erin"))
    assert response.status_code == 200, response.text
    read_at = response.json()["read_at"]
    assert read_at is not None
    again = client.post(f"/v1/notifications/{first['id']}/read", headers=tokens.headers("erin"))
    assert again.json()["read_at"] == read_at
    assert [n["id"] for n in inbox("erin", "?unread=true")] == [second["id"]]


@pytest.mark.parametrize("user", ["evan", "tara", "ivy", "ada"])
def test_someone_elses_notification_is_404_and_stays_unread(client, tokens, apply, events, subject_of, user, inbox):
    case = events.case_created(therapist_id=subject_of("tara"))
    apply(case)
    apply(events.requested(case))
    [item] = inbox("erin")
    response = client.post(f"/v1/notifications/{item['id']}/read", headers=tokens.headers(user))
    assert response.status_code == 404
    assert response.headers["content-type"] == "application/problem+json"
    assert inbox("erin")[0]["read_at"] is None
    missing = client.post(f"/v1/notifications/{uuid.uuid4()}/read", headers=tokens.headers(user))
    assert missing.status_code == 404


def test_newest_first_with_a_limit_and_a_cursor(client, tokens, apply, events, subject_of, inbox):
    case = events.case_created(therapist_id=subject_of("tara"))
    apply(case)
    made = [apply(events.requested(case)).data.accommodation_id for _ in range(3)]
    first = client.get("/v1/notifications?limit=2", headers=tokens.headers("erin")).json()
    assert [n["accommodation_id"] for n in first["items"]] == [str(made[2]), str(made[1])]
    assert first["next_cursor"]
    rest = inbox("erin", f"?limit=2&cursor={first['next_cursor']}")
    assert [n["accommodation_id"] for n in rest] == [str(made[0])]
    assert client.get("/v1/notifications?limit=0", headers=tokens.headers("erin")).status_code == 422
    assert client.get("/v1/notifications?limit=201", headers=tokens.headers("erin")).status_code == 422
    assert client.get("/v1/notifications?cursor=nonsense", headers=tokens.headers("erin")).status_code == 422


def test_every_role_has_an_inbox_and_no_token_is_401(client, tokens):
    for user in ("tara", "erin", "ivy", "ada"):
        assert client.get("/v1/notifications", headers=tokens.headers(user)).json() == {
            "items": [],
            "next_cursor": None,
        }
    assert client.get("/v1/notifications").status_code == 401
    assert client.post(f"/v1/notifications/{uuid.uuid4()}/read").status_code == 401
    token = tokens.user("erin")
    forged = token[:-4] + ("AAAA" if not token.endswith("AAAA") else "BBBB")
    assert client.get("/v1/notifications", headers={"Authorization": f"Bearer {forged}"}).status_code == 401
