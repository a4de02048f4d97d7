"""Who sees what of an accommodation request, for every caller and each consent granted, withdrawn and
re-granted (docs/domain/access.md): exactly the fields allowed, nothing more — on the real database,
with real tokens, the consents arriving as intake's events."""

from __future__ import annotations

import pytest

from .conftest import INSURER_CONSENT, RESTRICTIONS_CONSENT

STATUS_ONLY = {"id", "case_id", "status", "due_date", "updated_at"}
EMPLOYER_VIEW = {
    "id",
    "case_id",
    "case_reference",
    "worker_name",
    "job_title",
    "employer_org_id",
    "plan_id",
    "plan_version",
    "restrictions_shared",
    "restrictions",
    "accommodations",
    "schedule",
    "schedule_start_date",
    "due_date",
    "status",
    "decided_by",
    "decided_by_username",
    "decided_at",
    "note",
    "counter",
    "attestation_sha256",
    "counter_accepted_by",
    "counter_accepted_by_username",
    "counter_accepted_at",
    "agreement_sha256",
    "withdrawn_reason",
    "agreed",
    "version",
    "created_at",
    "updated_at",
}
RESTRICTIONS = [
    {
        "demand": "lift_floor_waist",
        "frequency": "occasional",
        "load_kg": 10.0,
        "duration_min": None,
        "start": None,
        "review_date": None,
        "end": None,
    }
]
# The callers: own organisation of the case (acme, clinic-north, northwind) and another one of each role.
USERS = ("erin", "evan", "tara", "theo", "ivy", "ian")
# The consent's values over time in each phase, after the case was opened with both granted.
PHASES = {"granted": [], "withdrawn": [False], "re-granted": [False, True]}


def allowed(user: str, consents: dict) -> str:
    """What the product allows `user` to see of the request, given the worker's consents."""
    shared = consents[RESTRICTIONS_CONSENT]
    if user == "tara":  # all employer holds: without the consent, that is no longer who the worker is
        return "request + worker + restrictions + marked shared" if shared else "request + restrictions"
    if user == "erin":
        return "request + worker + restrictions + marked shared" if shared else "request"
    if user == "ivy":
        return "status" if consents[INSURER_CONSENT] else "nothing"
    return "nothing"


def seen(body: dict) -> str:
    """What a view of the request actually shows."""
    if set(body) == STATUS_ONLY:
        return "status"
    assert set(body) == EMPLOYER_VIEW, set(body) ^ EMPLOYER_VIEW
    assert (body["case_reference"], len(body["accommodations"])) == ("RTW-2026-000042", 2)
    parts = ["request"]
    worker, restrictions = (body["worker_name"], body["job_title"]), (body["restrictions"], len(body["schedule"]))
    if worker == ("Maria Lopez", "Warehouse associate"):
        parts.append("worker")
    elif worker != (None, None):
        return f"part of the worker: {worker}"
    if restrictions == (RESTRICTIONS, 2):
        parts.append("restrictions")
    elif restrictions != ([], 0):
        return f"part of the restrictions: {restrictions}"
    if body["restrictions_shared"] is True:
        parts.append("marked shared")
    return " + ".join(parts)


@pytest.mark.parametrize("phase", list(PHASES))
@pytest.mark.parametrize("consent", [RESTRICTIONS_CONSENT, INSURER_CONSENT])
def test_each_caller_sees_exactly_what_the_consents_allow(
    client, tokens, deliver, case_story, plan_published, request_of, consent, phase
):
    story = case_story()
    deliver(*story.opened(), plan_published(story.case_id))
    for granted in PHASES[phase]:
        deliver(*story.consent(consent, granted))
    request_id = request_of(story.case_id)
    for user in USERS:
        expected = allowed(user, story.consents)
        one = client.get(f"/v1/accommodations/{request_id}", headers=tokens.headers(user))
        listed = client.get("/v1/accommodations", headers=tokens.headers(user))
        assert listed.status_code == 200, (user, listed.text)
        if expected == "nothing":
            assert (user, one.status_code, listed.json()["items"]) == (user, 404, [])
            continue
        assert one.status_code == 200, (user, one.text)
        [item] = listed.json()["items"]
        assert (user, seen(one.json()), seen(item)) == (user, expected, expected)


def test_the_decision_answer_shows_no_more_than_a_read(client, tokens, deliver, open_request):
    request_id, story = open_request()
    deliver(*story.consent(RESTRICTIONS_CONSENT, False))
    decided = client.post(
        f"/v1/accommodations/{request_id}/decision", json={"decision": "confirmed"}, headers=tokens.headers("erin")
    )
    assert decided.status_code == 200, decided.text
    assert seen(decided.json()) == "request"
    assert decided.json()["status"] == "confirmed"
