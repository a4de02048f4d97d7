"""Intake's FHIR R4 API (docs/fhir.md) on the real database and real tokens: each resource validates as
FHIR R4 (and the ODH ones against HL7's StructureDefinitions), shows what the caller's role view shows
and nothing more, refuses what it must as OperationOutcome, and every read is audited."""

from __future__ import annotations

import copy
import importlib.util
from pathlib import Path

import pytest

from rtw_devstack.journey import new_case
from rtw_devstack.system import free_port

_VALIDATE = Path(__file__).resolve().parents[3] / "tests/fhir/validate.py"
_spec = importlib.util.spec_from_file_location("fhir_validate", _VALIDATE)
validate = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(validate)

FHIR = "/fhir/R4"
JOB = "http://hl7.org/fhir/us/odh/StructureDefinition/odh-PastOrPresentJob"
PAIN_NRS = "72514-3"


@pytest.fixture
def intake_settings(service_settings):
    """Intake whose peers are nowhere: `$everything` here gathers intake's own resources (e2e: all)."""
    from rtw_intake.settings import IntakeSettings

    from .conftest import MIGRATIONS

    settings = service_settings(IntakeSettings, MIGRATIONS)
    nowhere = f"http://127.0.0.1:{free_port()}"
    return settings.model_copy(update={"workplan_api_url": nowhere, "employer_api_url": nowhere})


@pytest.fixture
def case(client, tokens):
    body = copy.deepcopy(new_case())
    body["worker"]["contact"] = {"email": "maria.lopez@example.com"}
    body["worker"]["preferred_language"] = "es-MX"
    created = client.post("/v1/cases", json=body, headers=tokens.headers("tara"))
    assert created.status_code == 201, created.text
    case = created.json()
    assessment = {
        "date": body["claim"]["injury_date"],
        "capacities": [{"demand": "lift_floor_waist", "frequency": "occasional", "load_kg": 10}],
        "grip_trials_kg": {"left": [30, 32, 31], "right": [40, 41, 42]},
        "pain_nrs": 3,
        "copm": [{"problem": "Lifting totes", "importance": 9, "performance": 4, "satisfaction": 3}],
    }
    recorded = client.post(f"/v1/cases/{case['id']}/assessments", json=assessment, headers=tokens.headers("tara"))
    assert recorded.status_code == 201, recorded.text
    return case


def search(client, tokens, user, resource_type, case_id, **params):
    answer = client.get(f"{FHIR}/{resource_type}", params={"patient": case_id, **params}, headers=tokens.headers(user))
    assert answer.status_code == 200, answer.text
    assert answer.headers["content-type"].startswith("application/fhir+json")
    bundle = answer.json()
    validate.r4(bundle)
    return [e["resource"] for e in bundle["entry"]]


def test_the_capability_statement_is_public_and_names_every_resource(client):
    answer = client.get(f"{FHIR}/metadata")
    assert answer.status_code == 200 and answer.headers["content-type"].startswith("application/fhir+json")
    statement = answer.json()
    validate.r4(statement)
    assert statement["fhirVersion"] == "4.0.1"
    served = {r["type"]: r for r in statement["rest"][0]["resource"]}
    assert sorted(served) == ["Condition", "Consent", "Coverage", "Observation", "Organization", "Patient"]
    assert served["Observation"]["supportedProfile"][0] == JOB
    assert served["Patient"]["operation"] == [
        {"name": "everything", "definition": "http://hl7.org/fhir/OperationDefinition/Patient-everything"}
    ]


def test_the_therapist_reads_the_worker_the_claim_the_job_and_the_assessment(client, tokens, case):
    patient = client.get(f"{FHIR}/Patient/{case['id']}", headers=tokens.headers("tara")).json()
    validate.r4(patient)
    assert patient["name"] == [{"use": "official", "family": "Lopez", "given": ["Maria"]}]
    assert patient["birthDate"] == "1984-03-02" and patient["managingOrganization"] == {
        "reference": "Organization/clinic-north"
    }
    assert patient["communication"][0]["language"]["coding"][0]["code"] == "es-MX"
    assert patient["identifier"][0]["value"] == case["reference"]
    conditions = search(client, tokens, "tara", "Condition", case["id"])
    assert [c["code"]["coding"][0] for c in conditions] == [
        {"system": "http://hl7.org/fhir/sid/icd-10-cm", "code": "S39.012A"}
    ]
    assert conditions[0]["onsetDateTime"] == case["claim"]["injury_date"]
    assert conditions[0]["bodySite"][0]["coding"][0]["code"] == "lumbar_spine"
    [coverage] = search(client, tokens, "tara", "Coverage", case["id"])
    assert coverage["identifier"][0]["value"] == case["claim"]["claim_number"]
    assert coverage["payor"] == [{"reference": "Organization/northwind"}]
    observations = {o["id"]: o for o in search(client, tokens, "tara", "Observation", case["id"])}
    job = observations[f"{case['id']}-job"]
    assert validate.odh(job) == [] and validate.odh(observations[f"{case['id']}-employment-status"]) == []
    by_code = {c["code"]["coding"][0]["code"]: c for c in job["component"]}
    assert by_code["87512-0"]["valueQuantity"] == {
        "value": 8,
        "unit": "h",
        "system": "http://unitsofmeasure.org",
        "code": "h",
    }
    assert by_code["74160-3"]["valueQuantity"]["value"] == 5
    assert by_code["lift_floor_waist"]["valueQuantity"] == {
        "value": 20,
        "unit": "kg",
        "system": "http://unitsofmeasure.org",
        "code": "kg",
    }
    assert by_code["stand"]["valueQuantity"]["code"] == "min"
    assert by_code["lift_floor_waist"]["extension"][0]["valueCoding"]["code"] == "occasional"
    assert job["valueCodeableConcept"]["coding"][0] == {
        "system": "https://www.onetcenter.org/taxonomy.html",
        "code": "53-7065.00",
    }
    pain = next(o for o in observations.values() if o["code"]["coding"][0]["code"] == PAIN_NRS)
    assert pain["valueInteger"] == 3 and pain["code"]["coding"][0]["system"] == "http://loinc.org"
    consents = search(client, tokens, "tara", "Consent", case["id"])
    assert sorted((c["id"].rsplit("-", 1)[1], c["status"], c["provision"]["type"]) for c in consents) == [
        ("employer", "active", "permit"),
        ("insurer", "active", "permit"),
    ]


def test_the_employer_gets_the_name_and_the_job_and_nothing_clinical(client, tokens, case):
    patient = client.get(f"{FHIR}/Patient/{case['id']}", headers=tokens.headers("erin")).json()
    assert set(patient) == {"resourceType", "id", "meta", "identifier", "active", "name"}
    assert search(client, tokens, "erin", "Condition", case["id"]) == []
    assert search(client, tokens, "erin", "Coverage", case["id"]) == []
    assert search(client, tokens, "erin", "Consent", case["id"]) == []
    observations = search(client, tokens, "erin", "Observation", case["id"])
    assert sorted(o["id"] for o in observations) == [f"{case['id']}-employment-status", f"{case['id']}-job"]
    job = next(o for o in observations if o["id"].endswith("-job"))
    assert job["valueCodeableConcept"] == {"text": "Warehouse associate"}  # no O*NET code: the employer's view has none
    assert sorted(c["code"]["coding"][0]["code"] for c in job["component"]) == ["74160-3", "87512-0"]
    assert validate.odh(job) == []
    assert "pain" not in str(observations).lower() and "S39" not in str(observations)
    condition = client.get(f"{FHIR}/Condition/{case['id']}-S39.012A", headers=tokens.headers("erin"))
    assert condition.status_code == 404 and condition.json()["resourceType"] == "OperationOutcome"


def test_the_insurer_gets_the_claim_and_the_summary_numbers(client, tokens, case):
    patient = client.get(f"{FHIR}/Patient/{case['id']}", headers=tokens.headers("ivy")).json()
    assert set(patient) == {"resourceType", "id", "meta", "identifier", "active", "name", "birthDate"}
    assert len(search(client, tokens, "ivy", "Condition", case["id"])) == 1
    observations = search(client, tokens, "ivy", "Observation", case["id"])
    assert sorted(o["id"].rsplit("-", 1)[1] for o in observations) == ["grip", "pain"]  # the latest's, no job
    assert search(client, tokens, "ivy", "Consent", case["id"]) == []


def test_consent_withdrawn_hides_the_case_from_the_insurer_as_not_found(client, tokens, case):
    etag = client.get(f"/v1/cases/{case['id']}", headers=tokens.headers("tara")).headers["ETag"]
    withdrawn = {"share_status_with_insurer": {"granted": False}}
    changed = client.put(
        f"/v1/cases/{case['id']}/consents", json=withdrawn, headers={**tokens.headers("tara"), "If-Match": etag}
    )
    assert changed.status_code == 200
    for path in (f"Patient/{case['id']}", f"Patient/{case['id']}/$everything", f"Coverage/{case['id']}"):
        answer = client.get(f"{FHIR}/{path}", headers=tokens.headers("ivy"))
        assert answer.status_code == 404, path
        assert answer.json()["issue"][0]["code"] == "not-found"
    assert search(client, tokens, "ivy", "Patient", case["id"]) == []
    consent = client.get(f"{FHIR}/Consent/{case['id']}-insurer", headers=tokens.headers("tara")).json()
    assert (consent["status"], consent["provision"]["type"]) == ("inactive", "deny")


# Each: a search, read or export, and a parameter its OperationOutcome names (one test: one app to start).
UNPROCESSABLE = [
    ("Observation?patient=x&flavour=1", "flavour"),
    ("Observation", "patient"),
    ("Observation?patient=not-a-case", "patient"),
    ("Observation?patient=Patient/4b0e8c4e-1c3b-4f4e-8d40-4c9a1f2b3c4d&_count=0", "_count"),
    ("Patient/$everything?_since=yesterday", "_since"),
    ("Patient/$everything?_page=not-a-page", "_page"),
    ("Patient/$everything?_count=51", "_count"),
    ("Patient/not-a-case/$everything", "case_id"),
    ("Observation?patient=4b0e8c4e-1c3b-4f4e-8d40-4c9a1f2b3c4d&_page=not-a-page", "_page"),
    (f"Consent/{'a' * 65}", "resource_id"),
]


def test_what_it_cannot_process_is_400_as_an_operation_outcome_naming_the_parameter(client, tokens):
    for path, expression in UNPROCESSABLE:
        answer = client.get(f"{FHIR}/{path}", headers=tokens.headers("ivy"))
        assert answer.status_code == 400 and answer.headers["content-type"].startswith("application/fhir+json"), path
        outcome = answer.json()
        validate.r4(outcome)
        assert expression in [e for issue in outcome["issue"] for e in issue.get("expression", [])], path


def test_it_takes_no_resource_from_clients_405_as_an_operation_outcome(client, tokens):
    some_case = "4b0e8c4e-1c3b-4f4e-8d40-4c9a1f2b3c4d"
    for method, path in (("POST", "Patient"), ("PUT", f"Patient/{some_case}"), ("DELETE", f"Patient/{some_case}")):
        answer = client.request(
            method, f"{FHIR}/{path}", json={"resourceType": "Patient"}, headers=tokens.headers("tara")
        )
        assert answer.status_code == 405 and answer.json()["issue"][0]["code"] == "not-supported", (method, path)


def test_without_a_token_it_is_401_as_an_operation_outcome_and_admins_are_refused(client, tokens, case):
    anonymous = client.get(f"{FHIR}/Patient/{case['id']}")
    assert anonymous.status_code == 401 and anonymous.json()["issue"][0]["code"] == "login"
    assert client.get(f"{FHIR}/Patient/{case['id']}", headers=tokens.headers("ada")).status_code == 403


def test_every_fhir_read_is_audited_with_its_case(client, tokens, case, audit_rows):
    before = len(audit_rows())
    client.get(f"{FHIR}/Observation", params={"patient": f"Patient/{case['id']}"}, headers=tokens.headers("ivy"))
    client.get(f"{FHIR}/Patient/{case['id']}", headers=tokens.headers("erin"))
    client.get(f"{FHIR}/Patient/{case['id']}/$everything", headers=tokens.headers("tara"))
    client.get(f"{FHIR}/Patient/$everything", params={"_since": case["created_at"]}, headers=tokens.headers("ivy"))
    rows = audit_rows()[before:]
    assert [(r["username"], r["resource_type"], r["resource_id"], r["status_code"]) for r in rows] == [
        ("ivy", "Observation", None, 200),
        ("erin", "Patient", case["id"], 200),
        ("tara", "Patient", case["id"], 200),
        ("ivy", "Patient", None, 200),
    ]
    assert all(r["case_ids"] == [case["id"]] for r in rows)


def test_everything_streams_the_case_and_says_what_it_could_not_gather(client, tokens, case):
    answer = client.get(f"{FHIR}/Patient/{case['id']}/$everything", headers=tokens.headers("tara"))
    assert answer.status_code == 200 and answer.headers["content-type"].startswith("application/fhir+json")
    bundle = answer.json()
    validate.r4(bundle)
    assert bundle["type"] == "searchset" and bundle["entry"][0]["resource"]["resourceType"] == "Patient"
    outcomes = [e["resource"] for e in bundle["entry"] if e["search"]["mode"] == "outcome"]
    assert [o["issue"][0]["severity"] for o in outcomes] == ["warning", "warning"]  # workplan, employer: nowhere


def test_the_insurer_exports_every_case_changed_since_a_time_a_page_at_a_time(client, tokens, case):
    second = client.post("/v1/cases", json=new_case(), headers=tokens.headers("tara")).json()
    since = case["created_at"]
    first_page = client.get(
        f"{FHIR}/Patient/$everything", params={"_since": since, "_count": 1}, headers=tokens.headers("ivy")
    ).json()
    validate.r4(first_page)
    patients = [e["resource"]["id"] for e in first_page["entry"] if e["resource"]["resourceType"] == "Patient"]
    assert patients == [second["id"]]  # most recently changed first
    next_url = next(link["url"] for link in first_page["link"] if link["relation"] == "next")
    second_page = client.get(next_url, headers=tokens.headers("ivy")).json()
    assert [e["resource"]["id"] for e in second_page["entry"] if e["resource"]["resourceType"] == "Patient"] == [
        case["id"]
    ]
