"""Employer's FHIR R4 API (docs/fhir.md) on the real database and real tokens: the accommodation request as a
Task, valid FHIR R4, as each role's view shows it — the employer and the case's therapist what it asks, the
insurer where it stands — with the employer's answer as its output; admins read none (403)."""

from __future__ import annotations

import importlib.util
from pathlib import Path

import pytest
from sqlalchemy import text

_VALIDATE = Path(__file__).resolve().parents[3] / "tests/fhir/validate.py"
_spec = importlib.util.spec_from_file_location("fhir_validate", _VALIDATE)
validate = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(validate)

FHIR = "/fhir/R4"


def tasks(client, tokens, user, case_id):
    answer = client.get(f"{FHIR}/Task", params={"subject": f"Patient/{case_id}"}, headers=tokens.headers(user))
    assert answer.status_code == 200, answer.text
    bundle = answer.json()
    validate.r4(bundle)
    return [e["resource"] for e in bundle["entry"]]


@pytest.fixture
def request_and_story(open_request):
    return open_request()


def test_the_employer_reads_what_is_asked_and_answers_it(client, tokens, request_and_story):
    request_id, story = request_and_story
    [task] = tasks(client, tokens, "erin", story.case_id)
    assert (task["id"], task["status"], task["intent"]) == (request_id, "requested", "order")
    assert task["for"] == {"reference": f"Patient/{story.case_id}"} and task["owner"] == {
        "reference": "Organization/acme"
    }
    kinds = [i["type"]["coding"][0]["code"] for i in task["input"]]
    assert kinds.count("restriction") == 1 and kinds.count("schedule-week") == 2
    path = f"/v1/accommodations/{request_id}"
    etag = client.get(path, headers=tokens.headers("erin")).headers["ETag"]
    decided = client.post(
        f"{path}/decision",
        json={"decision": "declined", "note": "No light-duty role this quarter"},
        headers={**tokens.headers("erin"), "If-Match": etag},
    )
    assert decided.status_code == 200, decided.text
    read = client.get(f"{FHIR}/Task/{request_id}", headers=tokens.headers("tara")).json()
    validate.r4(read)
    assert read["status"] == "rejected" and read["businessStatus"]["text"] == "declined"
    assert read["output"] == [
        {
            "type": {
                "coding": [
                    {
                        "system": "https://rtw.example/fhir/CodeSystem/task",
                        "code": "decision-note",
                        "display": "The employer's note on the decision",
                    }
                ],
                "text": "The employer's note on the decision",
            },
            "valueString": "No light-duty role this quarter",
        }
    ]


def test_the_insurer_reads_where_it_stands_and_the_employer_without_consent_no_restrictions(
    client, tokens, request_and_story, deliver
):
    request_id, story = request_and_story
    [task] = tasks(client, tokens, "ivy", story.case_id)
    assert set(task) == {
        "resourceType",
        "id",
        "meta",
        "status",
        "businessStatus",
        "intent",
        "code",
        "for",
        "authoredOn",
        "lastModified",
        "restriction",
    }
    deliver(*story.consent("share_restrictions_with_employer", False))
    [task] = tasks(client, tokens, "erin", story.case_id)
    assert [i["type"]["coding"][0]["system"].rsplit("/", 1)[1] for i in task["input"]] == ["accommodation-category"] * 2
    assert client.get(f"{FHIR}/Task/{request_id}", headers=tokens.headers("ada")).status_code == 403
    assert client.get(f"{FHIR}/Task/{request_id}", headers=tokens.headers("evan")).status_code == 404


def test_the_capability_statement_is_public_and_serves_the_task(client):
    answer = client.get(f"{FHIR}/metadata")
    assert answer.status_code == 200 and answer.headers["content-type"].startswith("application/fhir+json")
    statement = answer.json()
    validate.r4(statement)
    assert statement["fhirVersion"] == "4.0.1"
    [task] = statement["rest"][0]["resource"]
    assert task["type"] == "Task" and {p["name"] for p in task["searchParam"]} >= {"patient", "subject"}


def test_every_task_read_is_audited_with_its_case(client, tokens, request_and_story, engine):
    request_id, story = request_and_story
    with engine.connect() as conn:
        before = conn.execute(text("SELECT coalesce(max(id), 0) FROM audit_log")).scalar()
    tasks(client, tokens, "ivy", story.case_id)
    assert client.get(f"{FHIR}/Task/{request_id}", headers=tokens.headers("erin")).status_code == 200
    assert client.get(f"{FHIR}/Task/{request_id}", headers=tokens.headers("evan")).status_code == 404
    with engine.connect() as conn:
        rows = conn.execute(
            text(
                "SELECT username, resource_type, resource_id, status_code, case_ids FROM audit_log WHERE id > :id "
                "ORDER BY id"
            ),
            {"id": before},
        ).all()
    case_id = str(story.case_id)
    assert [(*r[:4], [str(c) for c in r[4] or []]) for r in rows] == [
        ("ivy", "Task", None, 200, [case_id]),
        ("erin", "Task", request_id, 200, [case_id]),
        ("evan", "Task", request_id, 404, []),
    ]
