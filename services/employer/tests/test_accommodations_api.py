"""Employer's accommodation API on the real database and real tokens."""

from __future__ import annotations

import hashlib
import json
import uuid

import pytest

CLINICAL = {"diagnosis", "diagnosis_codes", "mechanism", "body_parts", "date_of_birth", "pain", "notes"}
ATTESTED = ("id", "case_id", "plan_id", "plan_version", "restrictions", "schedule", "accommodations", "due_date")
STATUS_ONLY = {"id", "case_id", "status", "due_date", "updated_at"}


def keys(value) -> set[str]:
    """Every field name anywhere in a JSON document."""
    if isinstance(value, dict):
        return set(value) | set().union(*(keys(v) for v in value.values()))
    if isinstance(value, list):
        return set().union(*(keys(v) for v in value))
    return set()


def decide(client, tokens, request_id, body, user="erin", **headers):
    return client.post(
        f"/v1/accommodations/{request_id}/decision", json=body, headers={**tokens.headers(user), **headers}
    )


def test_the_employer_lists_and_opens_its_request_without_anything_clinical(client, tokens, open_request):
    request_id, _ = open_request()
    listed = client.get("/v1/accommodations", headers=tokens.headers("erin"))
    assert listed.status_code == 200, listed.text
    assert [item["id"] for item in listed.json()["items"]] == [request_id]
    assert listed.json()["next_cursor"] is None
    response = client.get(f"/v1/accommodations/{request_id}", headers=tokens.headers("erin"))
    assert response.status_code == 200, response.text
    body = response.json()
    assert (body["worker_name"], body["job_title"], body["case_reference"]) == (
        "Maria Lopez",
        "Warehouse associate",
        "RTW-2026-000042",
    )
    assert (body["status"], body["decided_at"], body["attestation_sha256"]) == ("requested", None, None)
    assert [a["category"] for a in body["accommodations"]] == ["modified_duties", "rest_breaks"]
    assert body["restrictions"][0]["load_kg"] == 10 and len(body["schedule"]) == 2 and body["due_date"]
    assert body["restrictions_shared"] is True and body["withdrawn_reason"] is None
    assert response.headers["ETag"] == '"1"'
    assert not keys(body) & CLINICAL and not keys(listed.json()) & CLINICAL


def test_the_cases_therapist_reads_the_employer_view(client, tokens, open_request):
    request_id, _ = open_request()
    response = client.get(f"/v1/accommodations/{request_id}", headers=tokens.headers("tara"))
    assert response.status_code == 200
    assert response.json()["worker_name"] == "Maria Lopez"
    assert len(client.get("/v1/accommodations", headers=tokens.headers("tara")).json()["items"]) == 1


def test_the_insurer_sees_where_it_stands_and_nothing_else(client, tokens, open_request):
    request_id, _ = open_request()
    response = client.get(f"/v1/accommodations/{request_id}", headers=tokens.headers("ivy"))
    assert response.status_code == 200
    assert set(response.json()) == STATUS_ONLY
    assert response.json()["status"] == "requested"
    [item] = client.get("/v1/accommodations", headers=tokens.headers("ivy")).json()["items"]
    assert set(item) == STATUS_ONLY


@pytest.mark.parametrize("user", ["evan", "theo", "ian"])
def test_other_organisations_get_404_and_an_empty_list(client, tokens, open_request, user):
    request_id, _ = open_request()
    response = client.get(f"/v1/accommodations/{request_id}", headers=tokens.headers(user))
    assert response.status_code == 404
    assert response.headers["content-type"] == "application/problem+json"
    assert client.get("/v1/accommodations", headers=tokens.headers(user)).json() == {"items": [], "next_cursor": None}


def test_without_the_case_copy_only_the_employer_sees_the_request_and_nothing_about_the_worker(
    client, tokens, deliver, case_story, plan_published
):
    story = case_story()
    deliver(plan_published(story.case_id))  # intake's events have not arrived yet
    [item] = client.get("/v1/accommodations", headers=tokens.headers("erin")).json()["items"]
    assert (item["worker_name"], item["job_title"], item["case_reference"]) == (None, None, None)
    assert (item["restrictions"], item["schedule"], item["restrictions_shared"]) == ([], [], False)
    assert [a["category"] for a in item["accommodations"]] == ["modified_duties", "rest_breaks"]
    for user in ("tara", "ivy", "evan"):
        assert client.get(f"/v1/accommodations/{item['id']}", headers=tokens.headers(user)).status_code == 404
    deliver(*story.opened())  # the copy arrives: the consents are known now
    shown = client.get(f"/v1/accommodations/{item['id']}", headers=tokens.headers("erin")).json()
    assert (shown["worker_name"], shown["restrictions_shared"], len(shown["schedule"])) == ("Maria Lopez", True, 2)
    assert client.get(f"/v1/accommodations/{item['id']}", headers=tokens.headers("tara")).status_code == 200


def test_admin_is_403_and_no_token_is_401(client, tokens, open_request):
    request_id, _ = open_request()
    assert client.get("/v1/accommodations", headers=tokens.headers("ada")).status_code == 403
    assert client.get(f"/v1/accommodations/{request_id}", headers=tokens.headers("ada")).status_code == 403
    assert client.get(f"/v1/accommodations/{request_id}").status_code == 401
    assert client.post(f"/v1/accommodations/{request_id}/decision", json={"decision": "confirmed"}).status_code == 401


def test_the_employer_confirms_with_an_attestation_of_what_it_confirmed(client, tokens, open_request, outbox):
    request_id, _ = open_request()
    before = client.get(f"/v1/accommodations/{request_id}", headers=tokens.headers("erin")).json()
    response = decide(client, tokens, request_id, {"decision": "confirmed", "note": "Pallet jack available"})
    assert response.status_code == 200, response.text
    body = response.json()
    assert (body["status"], body["note"], body["decided_by_username"]) == ("confirmed", "Pallet jack available", "erin")
    assert body["decided_at"] and body["decided_by"] and body["version"] == 2
    content = json.dumps({k: before[k] for k in ATTESTED}, sort_keys=True, separators=(",", ":"))
    assert body["attestation_sha256"] == hashlib.sha256(content.encode()).hexdigest()
    event_type, payload = outbox()[-1]
    assert event_type == "rtw.accommodation.decided.v1"
    assert (payload["accommodation_id"], payload["decision"], payload["attestation_sha256"]) == (
        request_id,
        "confirmed",
        body["attestation_sha256"],
    )
    assert client.get(f"/v1/accommodations/{request_id}", headers=tokens.headers("ivy")).json()["status"] == "confirmed"


def test_a_request_is_decided_once(client, tokens, open_request, outbox):
    request_id, _ = open_request()
    assert decide(client, tokens, request_id, {"decision": "declined", "note": "No light duties"}).status_code == 200
    again = decide(client, tokens, request_id, {"decision": "confirmed"})
    assert again.status_code == 409
    assert again.headers["content-type"] == "application/problem+json"
    assert "already declined" in again.json()["detail"]
    assert [t for t, _ in outbox()].count("rtw.accommodation.decided.v1") == 1


def test_countered_needs_a_counter_proposal_and_changes_nothing_without_one(client, tokens, open_request, outbox):
    request_id, _ = open_request()
    response = decide(client, tokens, request_id, {"decision": "countered", "note": "Can't do that"})
    assert response.status_code == 422
    assert response.json()["detail"].startswith("counter:")
    assert (
        client.get(f"/v1/accommodations/{request_id}", headers=tokens.headers("erin")).json()["status"] == "requested"
    )
    assert [t for t, _ in outbox()] == ["rtw.accommodation.requested.v1"]
    counter = {
        "description": "Light duties at the packing station instead",
        "accommodations": [{"category": "job_restructuring", "description": "Packing only"}],
    }
    response = decide(client, tokens, request_id, {"decision": "countered", "counter": counter})
    assert response.status_code == 200, response.text
    assert response.json()["status"] == "countered"
    assert response.json()["counter"] == {**counter, "schedule": [], "schedule_start_date": None}


def test_only_the_employer_decides(client, tokens, open_request):
    request_id, _ = open_request()
    assert decide(client, tokens, request_id, {"decision": "confirmed"}, user="tara").status_code == 403
    assert decide(client, tokens, request_id, {"decision": "confirmed"}, user="ivy").status_code == 403
    assert decide(client, tokens, request_id, {"decision": "confirmed"}, user="evan").status_code == 404
    assert decide(client, tokens, uuid.uuid4(), {"decision": "confirmed"}).status_code == 404


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"decision": "maybe"}, "decision"),
        ({}, "decision"),
        ({"decision": "confirmed", "note": "x" * 2001}, "note"),
        ({"decision": "confirmed", "approved": True}, "approved"),
        ({"decision": "confirmed", "counter": {"description": "more"}}, "counter"),
    ],
)
def test_a_bad_decision_is_422_naming_the_field(client, tokens, open_request, body, field):
    request_id, _ = open_request()
    response = decide(client, tokens, request_id, body)
    assert response.status_code == 422
    assert response.json()["detail"].startswith(f"{field}:")


DEEP_BODIES = {
    "arrays": b"[" * 10_000 + b"]" * 10_000,  # 20 KB: deeper than Python's JSON parser recurses
    "objects": b'{"a":' * 10_000 + b"1" + b"}" * 10_000,
}


@pytest.mark.parametrize("shape", sorted(DEEP_BODIES))
def test_deeply_nested_json_is_422_not_a_server_error(client, tokens, open_request, shape):
    request_id, _ = open_request()
    response = client.post(
        f"/v1/accommodations/{request_id}/decision",
        content=DEEP_BODIES[shape],
        headers={**tokens.headers("erin"), "content-type": "application/json"},
    )
    assert response.status_code == 422, response.text
    assert response.headers["content-type"] == "application/problem+json"
    assert response.json()["errors"][0]["type"] == "too_deep"
    shown = client.get(f"/v1/accommodations/{request_id}", headers=tokens.headers("erin")).json()
    assert shown["status"] == "requested"


def test_a_stale_or_malformed_if_match_is_refused(client, tokens, open_request):
    request_id, _ = open_request()
    stale = decide(client, tokens, request_id, {"decision": "confirmed"}, **{"If-Match": '"7"'})
    assert stale.status_code == 412
    assert stale.headers["content-type"] == "application/problem+json" and stale.headers["ETag"] == '"1"'
    malformed = decide(client, tokens, request_id, {"decision": "confirmed"}, **{"If-Match": "yesterday"})
    assert malformed.status_code == 422 and malformed.json()["detail"].startswith("If-Match:")
    fresh = decide(client, tokens, request_id, {"decision": "confirmed"}, **{"If-Match": '"1"'})
    assert fresh.status_code == 200
    assert fresh.headers["ETag"] == '"2"'


def test_the_lost_update_two_sessions_read_one_version_the_second_decision_gets_412(
    client, tokens, open_request, outbox
):
    request_id, _ = open_request()
    first_read = client.get(f"/v1/accommodations/{request_id}", headers=tokens.headers("erin"))
    second_read = client.get(f"/v1/accommodations/{request_id}", headers=tokens.headers("erin"))
    assert first_read.headers["ETag"] == second_read.headers["ETag"] == '"1"'
    confirmed = decide(
        client,
        tokens,
        request_id,
        {"decision": "confirmed", "note": "Pallet jack available"},
        **{"If-Match": first_read.headers["ETag"]},
    )
    assert confirmed.status_code == 200 and confirmed.headers["ETag"] == '"2"'
    lost = decide(
        client,
        tokens,
        request_id,
        {"decision": "declined", "note": "No light duties here"},
        **{"If-Match": second_read.headers["ETag"]},
    )
    assert lost.status_code == 412
    assert "version 2" in lost.json()["detail"] and lost.headers["ETag"] == '"2"'
    blind = decide(client, tokens, request_id, {"decision": "declined", "note": "No light duties"})
    assert blind.status_code == 409 and "already confirmed" in blind.json()["detail"]
    now = client.get(f"/v1/accommodations/{request_id}", headers=tokens.headers("erin")).json()
    assert (now["status"], now["note"], now["version"]) == ("confirmed", "Pallet jack available", 2)
    assert [t for t, _ in outbox()].count("rtw.accommodation.decided.v1") == 1


def test_the_list_filters_by_status_and_paginates(client, tokens, open_request):
    ids = [open_request()[0] for _ in range(3)]
    decide(client, tokens, ids[0], {"decision": "confirmed"})
    headers = tokens.headers("erin")
    first = client.get("/v1/accommodations?limit=2", headers=headers).json()
    assert len(first["items"]) == 2 and first["next_cursor"]
    second = client.get(f"/v1/accommodations?limit=2&cursor={first['next_cursor']}", headers=headers).json()
    assert {i["id"] for i in first["items"] + second["items"]} == set(ids) and second["next_cursor"] is None
    requested = client.get("/v1/accommodations?status=requested", headers=headers).json()["items"]
    assert {i["id"] for i in requested} == set(ids[1:])
    assert client.get("/v1/accommodations?status=nonsense", headers=headers).status_code == 422
    assert client.get("/v1/accommodations?cursor=bogus", headers=headers).status_code == 422


def test_the_list_keeps_one_cases_requests(client, tokens, open_request):
    """The therapist's case page lists its case's requests (`?case_id=`), within what the caller may see."""
    (first, first_story), (second, _) = open_request(), open_request()
    for user in ("tara", "erin"):
        listed = client.get(f"/v1/accommodations?case_id={first_story.case_id}", headers=tokens.headers(user))
        assert [i["id"] for i in listed.json()["items"]] == [first], user
    assert client.get(f"/v1/accommodations?case_id={first_story.case_id}", headers=tokens.headers("theo")).json() == {
        "items": [],
        "next_cursor": None,
    }
    assert client.get("/v1/accommodations?case_id=nonsense", headers=tokens.headers("tara")).status_code == 422
    assert second != first
