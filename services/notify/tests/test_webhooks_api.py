"""Webhook subscriptions over the API: who may manage whose (insurers and employers their own
organisation's; an administrator sees anyone's and proposes new ones, which only the organisation
confirms; elsewhere 404, therapists 403), the secret shown once (never to an administrator),
bad input as problem+json 422, If-Match, and the audit row. Real database and tokens."""

from __future__ import annotations

import uuid

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import text

from rtw_notify.app import create_app

EVENTS = ["rtw.case.status_changed.v1", "rtw.accommodation.decided.v1"]


@pytest.fixture
def subscribe(client, tokens, receiver):
    def make(user: str = "ivy", **body) -> dict:
        response = client.post(
            "/v1/webhooks", json={"url": receiver.url, "events": EVENTS, **body}, headers=tokens.headers(user)
        )
        assert response.status_code == 201, response.text
        return response.json()

    return make


@pytest.fixture
def strict_client(notify_settings):
    """The API as production runs it: https only, no loopback receivers."""
    settings = notify_settings.model_copy(update={"webhook_allow_loopback": False, "webhook_allow_http": False})
    with TestClient(create_app(settings)) as test_client:
        yield test_client


def test_an_insurer_subscribes_and_sees_the_secret_once(client, tokens, subscribe, receiver):
    created = subscribe("ivy", description="claims system")
    assert created["secret"].startswith("whsec_") and len(created["secret"]) > 40
    assert (created["org_id"], created["org_role"], created["status"], created["version"]) == (
        "northwind",
        "insurer",
        "active",
        1,
    )
    assert created["events"] == sorted(EVENTS) and created["url"] == receiver.url
    one = client.get(f"/v1/webhooks/{created['id']}", headers=tokens.headers("ivy"))
    assert one.status_code == 200 and one.headers["ETag"] == '"1"'
    assert "secret" not in one.json()
    listed = client.get("/v1/webhooks", headers=tokens.headers("ivy")).json()
    assert [w["id"] for w in listed["items"]] == [created["id"]] and "secret" not in listed["items"][0]


def test_an_employer_subscribes_its_own_organisation(subscribe):
    assert (subscribe("erin")["org_id"], subscribe("erin")["org_role"]) == ("acme", "employer")


@pytest.mark.parametrize("user", ["ian", "erin", "evan"])
def test_another_organisations_subscription_is_not_found(client, tokens, subscribe, user):
    webhook = subscribe("ivy")
    headers = tokens.headers(user)
    for method, path in (
        ("GET", ""),
        ("DELETE", ""),
        ("GET", "/deliveries"),
        ("POST", "/rotate-secret"),
        ("POST", "/enable"),
    ):
        response = client.request(method, f"/v1/webhooks/{webhook['id']}{path}", headers=headers)
        assert response.status_code == 404, (method, path, response.text)
        assert response.headers["content-type"] == "application/problem+json"
    assert client.get("/v1/webhooks", headers=headers).json()["items"] == []


def test_a_therapist_may_not_subscribe_and_no_token_is_401(client, tokens, receiver):
    body = {"url": receiver.url, "events": EVENTS}
    assert client.post("/v1/webhooks", json=body, headers=tokens.headers("tara")).status_code == 403
    assert client.get("/v1/webhooks", headers=tokens.headers("tara")).status_code == 403
    assert client.get(f"/v1/webhooks/{uuid.uuid4()}", headers=tokens.headers("tara")).status_code == 403
    assert client.post("/v1/webhooks", json=body).status_code == 401


def test_an_administrator_sees_every_subscription_and_only_proposes_new_ones(client, tokens, subscribe, receiver):
    """An operator helps an organisation subscribe without seeing its data: what an administrator
    creates for an organisation is a proposal, without a secret, that only the organisation confirms."""
    ivys = subscribe("ivy")
    admin = tokens.headers("ada")
    assert client.get(f"/v1/webhooks/{ivys['id']}", headers=admin).status_code == 200
    body = {"url": receiver.url, "events": EVENTS}
    missing = client.post("/v1/webhooks", json=body, headers=admin)
    assert missing.status_code == 422 and "org_id" in missing.json()["detail"]
    made = client.post("/v1/webhooks", json={**body, "org_id": "contoso", "org_role": "insurer"}, headers=admin)
    assert made.status_code == 201, made.text
    proposal = made.json()
    assert (proposal["org_id"], proposal["status"], proposal["created_by"]) == ("contoso", "proposed", "ada")
    assert "secret" not in proposal
    assert [w["id"] for w in client.get("/v1/webhooks?org_id=contoso", headers=admin).json()["items"]] == [
        proposal["id"]
    ]
    assert [w["status"] for w in client.get("/v1/webhooks", headers=tokens.headers("ian")).json()["items"]] == [
        "proposed"
    ]


def test_only_the_organisation_confirms_a_proposed_subscription_and_gets_its_secret(client, tokens, receiver):
    body = {"url": receiver.url, "events": EVENTS, "org_id": "contoso", "org_role": "insurer"}
    proposal = client.post("/v1/webhooks", json=body, headers=tokens.headers("ada")).json()
    path = f"/v1/webhooks/{proposal['id']}/confirm"
    by_admin = client.post(path, headers={**tokens.headers("ada"), "If-Match": '"1"'})
    assert by_admin.status_code == 403 and "contoso" in by_admin.json()["detail"]
    assert client.post(path, headers={**tokens.headers("ivy"), "If-Match": '"1"'}).status_code == 404
    assert client.post(path, headers={**tokens.headers("evan"), "If-Match": '"1"'}).status_code == 404
    assert client.post(path, headers={**tokens.headers("ian"), "If-Match": '"7"'}).status_code == 412
    confirmed = client.post(path, headers={**tokens.headers("ian"), "If-Match": '"1"'})
    assert confirmed.status_code == 200, confirmed.text
    assert confirmed.headers["ETag"] == '"2"'
    shown = confirmed.json()
    assert (shown["status"], shown["version"]) == ("active", 2) and shown["secret"].startswith("whsec_")
    again = client.post(path, headers=tokens.headers("ian"))
    assert again.status_code == 409 and "not waiting for confirmation" in again.json()["detail"]


def test_an_administrator_may_not_learn_an_organisations_signing_secret(client, tokens, subscribe):
    webhook = subscribe("ivy")
    rotated = client.post(f"/v1/webhooks/{webhook['id']}/rotate-secret", headers=tokens.headers("ada"))
    assert rotated.status_code == 403 and "secret" not in rotated.json()


def test_subscribing_someone_elses_organisation_is_forbidden(client, tokens, receiver):
    body = {"url": receiver.url, "events": EVENTS, "org_id": "contoso"}
    assert client.post("/v1/webhooks", json=body, headers=tokens.headers("ivy")).status_code == 403


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"events": ["rtw.no.such.event.v1"]}, "events.0"),
        ({"events": []}, "events"),
        ({"events": ["rtw.notification.delivered.v1"]}, "events.0"),
        ({"url": "ftp://example.com/hook"}, "url"),
        ({"url": "https://10.0.0.7/hook"}, "url"),
        ({"url": "https://169.254.169.254/latest"}, "url"),
        ({"url": "https://[fe80::1]/hook"}, "url"),
        ({"url": "http://[2002:a00:1::]/"}, "url"),  # 6to4 around 10.0.0.1
        ({"url": "http://[2002:a9fe:a9fe::]/"}, "url"),  # 6to4 around the metadata address
        ({"surprise": 1}, "surprise"),
        ({"description": "x" * 501}, "description"),
    ],
)
def test_bad_input_is_422_naming_the_field(client, tokens, receiver, change, field):
    body = {"url": receiver.url, "events": EVENTS, **change}
    response = client.post("/v1/webhooks", json=body, headers=tokens.headers("ivy"))
    assert response.status_code == 422, response.text
    assert response.headers["content-type"] == "application/problem+json"
    assert field in response.text


DEEP_BODIES = {
    "arrays": b"[" * 10_000 + b"]" * 10_000,  # 20 KB: deeper than Python's JSON parser recurses
    "objects": b'{"a":' * 10_000 + b"1" + b"}" * 10_000,
}


@pytest.mark.parametrize("shape", sorted(DEEP_BODIES))
def test_deeply_nested_json_is_422_not_a_server_error(client, tokens, shape):
    headers = {**tokens.headers("ivy"), "content-type": "application/json"}
    response = client.post("/v1/webhooks", content=DEEP_BODIES[shape], headers=headers)
    assert response.status_code == 422, response.text
    assert response.headers["content-type"] == "application/problem+json"
    assert response.json()["errors"][0]["type"] == "too_deep"
    assert client.get("/v1/webhooks", headers=tokens.headers("ivy")).json()["items"] == []


def test_without_the_development_settings_http_and_loopback_are_refused(strict_client, tokens, receiver):
    plain = strict_client.post(
        "/v1/webhooks", json={"url": receiver.url, "events": EVENTS}, headers=tokens.headers("ivy")
    )
    assert plain.status_code == 422 and "https" in plain.json()["detail"]
    https = receiver.url.replace("http://", "https://")
    loop = strict_client.post("/v1/webhooks", json={"url": https, "events": EVENTS}, headers=tokens.headers("ivy"))
    assert loop.status_code == 422
    assert "resolves to 127.0.0.1, a loopback address" in loop.json()["detail"]
    named = https.replace("127.0.0.1", "localhost")
    by_name = strict_client.post("/v1/webhooks", json={"url": named, "events": EVENTS}, headers=tokens.headers("ivy"))
    assert by_name.status_code == 422 and "loopback" in by_name.json()["detail"]


def test_delete_takes_if_match_and_then_the_subscription_is_gone(client, tokens, subscribe):
    webhook = subscribe("ivy")
    path, headers = f"/v1/webhooks/{webhook['id']}", tokens.headers("ivy")
    stale = client.delete(path, headers={**headers, "If-Match": '"7"'})
    assert stale.status_code == 412 and stale.headers["ETag"] == '"1"'
    assert client.delete(path, headers={**headers, "If-Match": '"1"'}).status_code == 204
    assert client.get(path, headers=headers).status_code == 404
    assert client.get("/v1/webhooks", headers=headers).json()["items"] == []


def test_rotation_shows_a_new_secret_once_and_keeps_the_old_one_for_the_overlap(client, tokens, subscribe):
    webhook = subscribe("ivy")
    path, headers = f"/v1/webhooks/{webhook['id']}/rotate-secret", tokens.headers("ivy")
    rotated = client.post(path, json={"overlap_seconds": 3600}, headers={**headers, "If-Match": '"1"'})
    assert rotated.status_code == 200, rotated.text
    body = rotated.json()
    assert body["secret"].startswith("whsec_") and body["secret"] != webhook["secret"]
    assert body["version"] == 2 and body["previous_secret_expires_at"] is not None
    assert client.post(path, json={"overlap_seconds": 10**9}, headers=headers).status_code == 422
    assert client.post(path, headers={**headers, "If-Match": '"1"'}).status_code == 412


def test_every_request_leaves_an_audit_row(client, tokens, subscribe, engine):
    webhook = subscribe("ivy")
    client.get(f"/v1/webhooks/{webhook['id']}", headers=tokens.headers("ian"))
    with engine.connect() as conn:
        rows = conn.execute(
            text("SELECT username, action, resource_type, resource_id, outcome FROM audit_log ORDER BY id")
        ).all()
    assert [tuple(r) for r in rows] == [
        ("ivy", "create_webhook", "webhooks", None, "allowed"),
        ("ian", "get_webhook", "webhook", webhook["id"], "not_found"),
    ]
