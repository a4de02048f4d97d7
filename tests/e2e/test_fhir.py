"""The FHIR R4 API across the four services as processes (docs/fhir.md): the warehouse picker's
`Patient/$everything` as tara (therapist), ivy (insurer) and erin (employer) — gathered by intake from every
service with the caller's own token — each validated as FHIR R4 (fhirclient's 4.0.1 models) and its ODH
resources against HL7's StructureDefinitions, and compared with what that role's JSON view shows: no field
more. A CarePlan per plan version, linked by `replaces`; consent withdrawn: 404, as the JSON API answers."""

from __future__ import annotations

import importlib.util
import json
import os
import re
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from rtw_devstack.journey import CASE, Journey, new_case
from rtw_shared.services import SERVICE_DEFS

ROOT = Path(__file__).resolve().parents[2]


def _load(name: str, path: Path):
    spec = importlib.util.spec_from_file_location(name, path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


example = _load("worked_example", ROOT / "services/workplan/tests/worked_example.py")
validate = _load("fhir_validate", ROOT / "tests/fhir/validate.py")

JOB = "http://hl7.org/fhir/us/odh/StructureDefinition/odh-PastOrPresentJob"
PAIN_NRS = "72514-3"
PICKER_DEMANDS = example.JOB_DEMANDS
DOC = ROOT / "docs/fhir.md"
EXAMPLE = re.compile(r"(## Example: `\$everything` as the therapist\n.*?```json\n)(.*?)(\n```)", re.DOTALL)
# Set to rewrite docs/fhir.md's example Bundle from what the API emits (then review the diff).
WRITE_EXAMPLE = os.environ.get("RTW_WRITE_FHIR_EXAMPLE") == "1"
RTW_FHIR = "https://rtw.example/fhir/"
UUID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")
# What differs from one run to the next: dates and instants (relative to today), the case reference, the claim number.
VARYING = (
    (re.compile(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})"), "<instant>"),
    (re.compile(r"\d{4}-\d{2}-\d{2}"), "<date>"),
    (re.compile(r"RTW-\d{4}-\d{6}"), "<case reference>"),
    (re.compile(r"WC-2026-[0-9A-F]{8}"), "<claim number>"),
)
CLINICAL_MARKERS = ("S39.012A", "lumbar_spine", "lifting a box from the floor", "1984-03-02", PAIN_NRS, "pain")


@pytest.fixture(scope="module")
def journey(system, tokens):
    return Journey(system, tokens, timeout=60)


@pytest.fixture(scope="module")
def picker(journey):
    """The warehouse picker: assessed, plan version 1 published and 3 sessions logged, a review, then version 2
    published; the employer's request for version 2 open."""
    today = datetime.now(UTC).date()
    start = today - timedelta(days=7)
    body = {
        **CASE,
        "claim": new_case()["claim"],
        "employment": {
            **CASE["employment"],
            "job_title": "Warehouse picker",
            "essential_functions": [{"name": "Pick orders", "demands": PICKER_DEMANDS}],
        },
    }
    case = journey.ok("POST", "intake", "/v1/cases", "tara", expected=201, json=body)
    assessment = {
        "date": (today - timedelta(days=8)).isoformat(),
        "pain_nrs": 3,
        "grip_trials_kg": {"left": [30, 31, 32], "right": [40, 40, 40]},
    }
    journey.ok("POST", "intake", f"/v1/cases/{case['id']}/assessments", "tara", expected=201, json=assessment)
    plan = journey.draft_plan(case["id"])
    path = f"/v1/plans/{plan['id']}"
    # The assessment reaches the draft as its baseline in workplan's own time, moving its version: wait for it,
    # or the publication's If-Match is stale by the time it is sent.
    journey.eventually(lambda: journey.ok("GET", "workplan", path, "tara")["baseline"], "the assessment as baseline")
    journey.ok("PUT", "workplan", path, "tara", json=example.plan_body(start, today + timedelta(days=14)))
    publish(journey, plan["id"])
    for i in range(3):
        journey.ok("POST", "workplan", f"{path}/sessions", "tara", expected=201, json=example.session_body(i, start))
    goals = journey.ok("GET", "workplan", path, "tara")["goals"]
    review = {
        "date": today.isoformat(),
        "gas": [{"goal_id": goals[0]["id"], "attainment": 0}, {"goal_id": goals[1]["id"], "attainment": -1}],
        "copm": [{"problem": "Lifting totes", "importance": 9, "performance": 5, "satisfaction": 4}],
    }
    journey.ok("POST", "workplan", f"{path}/reviews", "tara", expected=201, json=review)
    draft = journey.ok(
        "POST", "workplan", f"{path}/revisions", "tara", expected=201, headers=journey.etag("workplan", path, "tara")
    )
    journey.ok(
        "PUT", "workplan", f"/v1/plans/{draft['id']}", "tara", json=example.plan_body(start, today + timedelta(days=21))
    )
    publish(journey, draft["id"])

    def request_for_version_2():
        items = journey.ok("GET", "employer", "/v1/accommodations", "erin")["items"]
        return next((i for i in items if i["case_id"] == case["id"] and i["plan_version"] == 2), None)

    request = journey.eventually(request_for_version_2, "the employer's request for version 2")
    return case, (plan["id"], draft["id"]), request


def publish(journey, plan_id: str) -> None:
    path = f"/v1/plans/{plan_id}"
    answer = journey.call("POST", "workplan", f"{path}/publish", "tara", headers=journey.etag("workplan", path, "tara"))
    if answer.status_code == 422:  # clinical warnings: acknowledged
        codes = [w["code"] for w in answer.json()["warnings"]]
        answer = journey.call("POST", "workplan", f"{path}/publish", "tara", json={"acknowledge": codes})
    assert answer.status_code == 200, answer.text


def everything(journey, case_id: str, user: str) -> dict[str, list[dict]]:
    """The case's Bundle as `user`, validated; its resources by type."""
    answer = journey.call("GET", "intake", f"/fhir/R4/Patient/{case_id}/$everything", user)
    assert answer.status_code == 200, answer.text
    assert answer.headers["content-type"].startswith("application/fhir+json")
    bundle = answer.json()
    validate.r4(bundle)
    assert bundle["type"] == "searchset"
    assert [e for e in bundle["entry"] if e["search"]["mode"] == "outcome"] == []  # every service answered
    by_type: dict[str, list[dict]] = {}
    for item in bundle["entry"]:
        resource = item["resource"]
        assert item["fullUrl"].endswith(f"/fhir/R4/{resource['resourceType']}/{resource['id']}")
        assert validate.odh(resource) == [], resource["id"]
        by_type.setdefault(resource["resourceType"], []).append(resource)
    ids = [(r["resourceType"], r["id"]) for rs in by_type.values() for r in rs]
    assert len(ids) == len(set(ids))  # each resource once
    return by_type


def components(observation: dict) -> dict[str, dict]:
    return {c["code"]["coding"][0]["code"]: c for c in observation.get("component", [])}


def test_the_therapist_gets_the_whole_case_from_every_service(journey, picker):
    case, (v1, v2), request = picker
    found = everything(journey, case["id"], "tara")
    assert sorted(found) == [
        "CarePlan",
        "Condition",
        "Consent",
        "Coverage",
        "Goal",
        "Observation",
        "Organization",
        "Patient",
        "Task",
    ]
    [job] = [o for o in found["Observation"] if JOB in o.get("meta", {}).get("profile", [])]
    parts = components(job)
    assert parts["87512-0"]["valueQuantity"]["value"] == 8 and parts["74160-3"]["valueQuantity"]["value"] == 5
    lifts = [c for c in job["component"] if c["code"]["coding"][0]["code"] == "lift_floor_waist"]
    assert sorted((c["extension"][0]["valueCoding"]["code"], c["valueQuantity"]["value"]) for c in lifts) == [
        ("frequent", 11),
        ("occasional", 23),
    ]
    assert parts["stand"]["valueQuantity"] == {
        "value": 480,
        "unit": "min",
        "system": "http://unitsofmeasure.org",
        "code": "min",
    }
    plans = {p["id"]: p for p in found["CarePlan"]}
    assert (plans[v1]["status"], plans[v2]["status"]) == ("revoked", "active")
    assert plans[v2]["replaces"] == [{"reference": f"CarePlan/{v1}"}] and "replaces" not in plans[v1]
    weeks = [
        a["detail"] for a in plans[v2]["activity"] if a["detail"]["code"]["coding"][0]["system"].endswith("/duties")
    ]
    assert [
        (w["scheduledTiming"]["repeat"]["duration"], w["scheduledTiming"]["repeat"]["frequency"]) for w in weeks
    ] == [
        (4, 5),
        (6, 5),
        (8, 5),
    ]
    assert len(found["Goal"]) == 4  # two goals, each of two versions
    gas = next(g for g in found["Goal"] if g["id"].endswith("-v2"))["extension"][1]
    assert gas["extension"][0] == {"url": "weight", "valueDecimal": 2}
    codes = [o["code"]["coding"][0]["code"] for o in found["Observation"]]
    assert codes.count("session-summary") == 3 and {"gas-t-score", "copm", PAIN_NRS} <= set(codes)
    tasks = {t["basedOn"][0]["reference"]: t for t in found["Task"]}  # version 2 replaced version 1's request
    assert (tasks[f"CarePlan/{v1}"]["status"], tasks[f"CarePlan/{v1}"]["businessStatus"]["text"]) == (
        "cancelled",
        "withdrawn",
    )
    assert (tasks[f"CarePlan/{v2}"]["id"], tasks[f"CarePlan/{v2}"]["status"]) == (request["id"], "requested")
    assert {c["id"].rsplit("-", 1)[1] for c in found["Consent"]} == {"employer", "insurer"}
    assert undocumented_codes(found, DOC.read_text()) == set()


def codings(value: Any) -> list[dict]:
    """Every element of a JSON document that names a system: codings, quantities, identifiers."""
    if isinstance(value, list):
        return [c for item in value for c in codings(item)]
    if not isinstance(value, dict):
        return []
    own = [value] if isinstance(value.get("system"), str) else []
    return own + [c for item in value.values() for c in codings(item)]


def undocumented_codes(found: Any, doc: str) -> set[str]:
    """The systems `found` uses that docs/fhir.md does not name, and the codes of RTW's own code systems and of
    UCUM that it does not list."""
    missing = set()
    for coding in codings(found):
        system, code = coding["system"], coding.get("code")
        if not is_named(system, doc):
            missing.add(system)
        listed = system.startswith(RTW_FHIR) or system == "http://unitsofmeasure.org"
        if code and listed and f"`{code}`" not in doc:
            missing.add(f"{system}#{code}")
    return missing


def is_named(system: str, doc: str) -> bool:
    """Whether docs/fhir.md names `system`: in full, as `…/<last part>` beside its siblings, or (RTW's own) by
    its name under the documented base (`demand`, `claim-number/<insurer>`)."""
    if system in doc or f"…/{system.rsplit('/', 1)[-1]}`" in doc:
        return True
    if not system.startswith(RTW_FHIR):
        return False
    name = system.removeprefix(RTW_FHIR).split("/")[1]  # CodeSystem/<name>, NamingSystem/<name>[/<insurer>]
    return f"`{name}`" in doc or f"…/{name}" in doc


def test_the_insurer_gets_what_its_json_views_show_and_nothing_more(journey, picker):
    case, (_, v2), request = picker
    found = everything(journey, case["id"], "ivy")
    shown = journey.ok("GET", "intake", f"/v1/cases/{case['id']}", "ivy")
    [patient] = found["Patient"]
    assert patient["name"][0]["family"] == shown["worker"]["family_name"]
    assert patient["birthDate"] == shown["worker"]["date_of_birth"]
    assert not {"telecom", "communication", "managingOrganization"} & set(patient)
    assert [c["code"]["coding"][0]["code"] for c in found["Condition"]] == shown["claim"]["diagnosis_codes"]
    assert found["Coverage"][0]["identifier"][0]["value"] == shown["claim"]["claim_number"]
    # No job (the insurer's case view has no job title), no Consent, no Goal: the insurer's views have none.
    assert "Goal" not in found and "Consent" not in found
    observations = {o["code"]["coding"][0]["code"]: o for o in found["Observation"]}
    assert "session-summary" not in observations and all(JOB not in str(o) for o in observations.values())
    assert observations[PAIN_NRS]["valueInteger"] == shown["assessments"]["latest_pain_nrs"]
    progress = journey.ok("GET", "workplan", f"/v1/plans/{v2}/progress", "ivy")
    assert observations["gas-t-score"]["valueQuantity"]["value"] == progress["gas"]["latest_t_score"]
    assert [c["valueQuantity"]["value"] for c in observations["copm"]["component"]] == [5, 4]  # the means only
    insurer_plan = journey.ok("GET", "workplan", f"/v1/plans/{v2}", "ivy")
    plans = {p["id"]: p for p in found["CarePlan"]}
    assert "goal" not in plans[v2] and "author" not in plans[v2]
    assert len(plans[v2]["activity"]) == len(insurer_plan["schedule"])  # the schedule only: no phases
    assert "Warehouse picker" not in str(found) and "floor-level" not in str(found)
    task = next(t for t in found["Task"] if t["id"] == request["id"])
    status_view = journey.ok("GET", "employer", f"/v1/accommodations/{request['id']}", "ivy")
    assert set(status_view) == {"id", "case_id", "status", "due_date", "updated_at"}
    assert task["businessStatus"]["text"] == status_view["status"]
    assert task["restriction"]["period"]["end"] == status_view["due_date"]
    assert not {"input", "output", "owner", "description", "basedOn"} & set(task)


def test_the_employer_gets_the_worker_the_job_and_the_request_and_nothing_clinical(journey, picker):
    case, _, request = picker
    found = everything(journey, case["id"], "erin")
    shown = journey.ok("GET", "intake", f"/v1/cases/{case['id']}", "erin")
    assert sorted(found) == ["Observation", "Organization", "Patient", "Task"]  # employers read no plans
    [patient] = found["Patient"]
    assert patient["name"][0]["given"] == [shown["worker"]["given_name"]] and "birthDate" not in patient
    text = str(found).lower()
    assert not [marker for marker in CLINICAL_MARKERS if marker.lower() in text]
    [job] = [o for o in found["Observation"] if JOB in o["meta"]["profile"]]
    assert job["valueCodeableConcept"] == {"text": shown["employment"]["job_title"]}
    assert sorted(components(job)) == ["74160-3", "87512-0"]  # the job view's hours and days; no demands
    task = next(t for t in found["Task"] if t["id"] == request["id"])
    view = journey.ok("GET", "employer", f"/v1/accommodations/{request['id']}", "erin")
    inputs = [i["valueString"] for i in task["input"]]
    assert [a["description"] for a in view["accommodations"]] == inputs[: len(view["accommodations"])]
    assert len(inputs) == len(view["accommodations"]) + len(view["restrictions"]) + len(view["schedule"])


def test_a_worker_who_withdraws_consent_is_not_found_by_the_insurer(journey):
    case = journey.create_case()
    assert journey.call("GET", "intake", f"/fhir/R4/Patient/{case['id']}/$everything", "ivy").status_code == 200
    etag = journey.call("GET", "intake", f"/v1/cases/{case['id']}", "tara").headers["ETag"]
    withdrawn = {"share_status_with_insurer": {"granted": False, "evidence": "signed form WD-12"}}
    journey.ok("PUT", "intake", f"/v1/cases/{case['id']}/consents", "tara", json=withdrawn, headers={"If-Match": etag})
    answer = journey.call("GET", "intake", f"/fhir/R4/Patient/{case['id']}/$everything", "ivy")
    assert answer.status_code == 404 and answer.json()["resourceType"] == "OperationOutcome"
    assert journey.call("GET", "intake", f"/v1/cases/{case['id']}", "ivy").status_code == 404


def strings(value: Any) -> list[str]:
    """Every string in a JSON document."""
    if isinstance(value, dict):
        return [s for item in value.values() for s in strings(item)]
    if isinstance(value, list):
        return [s for item in value for s in strings(item)]
    return [value] if isinstance(value, str) else []


def hidden_from(views: list[dict], full_views: list[dict]) -> set[str]:
    """What the therapist's JSON views show and a role's views do not: its text, not ids (a FHIR id says which
    thing a resource is about, as the views' ids do) nor short codes."""
    shown = set(strings(views))
    return {s for s in strings(full_views) if s not in shown and len(s) > 3 and not UUID.fullmatch(s)}


def leaked(bundle: dict[str, list[dict]], hidden: set[str]) -> set[str]:
    """The hidden values a Bundle carries: as an element, or inside a text (free text only: dates and codes also
    appear inside instants and ids)."""
    found = set(strings(bundle))
    texts = [s for s in found if " " in s]
    return {h for h in hidden if h in found or (" " in h and any(h in t for t in texts))}


def json_views(journey, user: str, case_id: str, plan_ids: tuple[str, ...]) -> list[dict]:
    """Everything `user`'s JSON API shows of the case: the case, its assessments, each plan version with its
    progress and sessions, each accommodation request (what the role may not read answers 403, adding nothing)."""
    paths = [("intake", f"/v1/cases/{case_id}"), ("intake", f"/v1/cases/{case_id}/assessments")]
    for plan_id in plan_ids:
        paths += [("workplan", f"/v1/plans/{plan_id}"), ("workplan", f"/v1/plans/{plan_id}/progress")]
        paths += [("workplan", f"/v1/plans/{plan_id}/sessions")]
    requests = journey.ok("GET", "employer", "/v1/accommodations?limit=100", "erin")["items"]
    paths += [("employer", f"/v1/accommodations/{r['id']}") for r in requests if r["case_id"] == case_id]
    found = []
    for service, path in paths:
        answer = journey.call("GET", service, path, user)
        assert answer.status_code in (200, 403), (path, answer.text)
        if answer.status_code == 200:
            found.append(answer.json())
    return found


@pytest.mark.parametrize("user", ["ivy", "erin"])
def test_no_role_gets_a_value_in_fhir_that_its_json_views_do_not_show(journey, picker, user):
    case, plan_ids, _ = picker
    full = json_views(journey, "tara", case["id"], plan_ids)
    hidden = hidden_from(json_views(journey, user, case["id"], plan_ids), full)
    assert {"Pick orders", "53-7065.00"} <= hidden  # the job's duties and O*NET code: the therapist's alone
    assert leaked(everything(journey, case["id"], user), hidden) == set()


def normalised(bundle: Any, ids: dict[str, str] | None = None) -> Any:
    """`bundle` with what differs between runs replaced: each id by its order of appearance (so references
    still say what they point at), dates, instants, the case reference and the claim number by a name."""
    ids = {} if ids is None else ids
    if isinstance(bundle, dict):
        return {key: normalised(value, ids) for key, value in bundle.items()}
    if isinstance(bundle, list):
        return [normalised(value, ids) for value in bundle]
    if not isinstance(bundle, str):
        return bundle
    text = UUID.sub(lambda m: ids.setdefault(m.group(), f"<id {len(ids) + 1}>"), bundle)
    for pattern, name in VARYING:
        text = pattern.sub(name, text)
    return text


def on_the_usual_ports(journey, bundle: dict) -> dict:
    """`bundle` as if the services ran on their usual ports (8101…), as the docs show them."""
    text = json.dumps(bundle, indent=2, ensure_ascii=False)
    for defn in SERVICE_DEFS:
        text = text.replace(journey.system.url(defn.name), f"http://127.0.0.1:{defn.port}")
    return json.loads(text)


def test_the_example_bundle_in_the_docs_is_what_the_api_emits(journey):
    """docs/fhir.md's example: a case opened like CASE, its plan published with PLAN, the employer's request open,
    as tara reads it — the same resources, elements and values as the API emits now, but for ids and dates."""
    case = journey.create_case()
    journey.publish_plan(journey.draft_plan(case["id"])["id"])
    journey.pending_request(case["id"])
    answer = journey.call("GET", "intake", f"/fhir/R4/Patient/{case['id']}/$everything", "tara")
    assert answer.status_code == 200, answer.text
    emitted = on_the_usual_ports(journey, answer.json())
    validate.r4(emitted)
    doc = DOC.read_text()
    if WRITE_EXAMPLE:
        doc = EXAMPLE.sub(lambda m: m.group(1) + json.dumps(emitted, indent=2, ensure_ascii=False) + m.group(3), doc)
        DOC.write_text(doc)
    documented = json.loads(EXAMPLE.search(doc).group(2))
    assert normalised(documented) == normalised(emitted), "docs/fhir.md's example is stale: RTW_WRITE_FHIR_EXAMPLE=1"
