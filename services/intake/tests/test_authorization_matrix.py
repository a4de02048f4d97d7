"""The authorization matrix of every intake endpoint, generated from ONE table: each endpoint by
each caller (the seven demo users — own and other organisation — and no token), asserting the
exact status code and that fields a role must not see are absent (docs/domain/access.md).

The case under test belongs to clinic-north (tara), employer acme (erin) and insurer northwind
(ivy); theo, evan and ian are the same roles in other organisations; ada is the platform admin."""

from __future__ import annotations

import pytest

from rtw_devstack.journey import CASE, new_case

CALLERS = ("tara", "theo", "erin", "evan", "ivy", "ian", "ada", None)
RESTRICTIONS = {
    "restrictions": [{"demand": "lift_floor_waist", "frequency": "occasional", "load_kg": 10, "start": "2026-11-01"}]
}
ASSESSMENT = {"date": "2026-11-20", "pain_nrs": 4, "grip_trials_kg": {"left": [30, 31, 32], "right": [28, 29, 30]}}
CONSENTS = {"share_status_with_insurer": {"granted": False, "evidence": "signed form WD-12"}}
THERAPISTS_ONLY = {"tara": 200, "theo": 404, "erin": 403, "evan": 403, "ivy": 403, "ian": 403, "ada": 403, None: 401}

# endpoint: (method, path, body, {caller: expected status}); every caller must be listed.
MATRIX = {
    "create case": (
        "POST",
        "/v1/cases",
        new_case("WC-2026-MATRIX"),  # not CASE's claim, which the case under test registered
        {"tara": 201, "theo": 201, "erin": 403, "evan": 403, "ivy": 403, "ian": 403, "ada": 403, None: 401},
    ),
    "list cases": (
        "GET",
        "/v1/cases",
        None,
        {"tara": 200, "theo": 200, "erin": 200, "evan": 200, "ivy": 200, "ian": 200, "ada": 403, None: 401},
    ),
    "read case": (
        "GET",
        "/v1/cases/{id}",
        None,
        {"tara": 200, "theo": 404, "erin": 200, "evan": 404, "ivy": 200, "ian": 404, "ada": 403, None: 401},
    ),
    "case status": (
        "GET",
        "/v1/cases/{id}/status",
        None,
        {"tara": 200, "theo": 404, "erin": 403, "evan": 403, "ivy": 200, "ian": 404, "ada": 403, None: 401},
    ),
    "timeline": (
        "GET",
        "/v1/cases/{id}/timeline",
        None,
        {"tara": 200, "theo": 404, "erin": 403, "evan": 403, "ivy": 200, "ian": 404, "ada": 403, None: 401},
    ),
    "transition": (
        "POST",
        "/v1/cases/{id}/transitions",
        {"to": "assessing"},
        {"tara": 200, "theo": 404, "erin": 403, "evan": 403, "ivy": 403, "ian": 403, "ada": 403, None: 401},
    ),
    "replace restrictions": (
        "PUT",
        "/v1/cases/{id}/restrictions",
        RESTRICTIONS,
        {"tara": 200, "theo": 404, "erin": 403, "evan": 403, "ivy": 403, "ian": 403, "ada": 403, None: 401},
    ),
    "record assessment": (
        "POST",
        "/v1/cases/{id}/assessments",
        ASSESSMENT,
        {"tara": 201, "theo": 404, "erin": 403, "evan": 403, "ivy": 403, "ian": 403, "ada": 403, None: 401},
    ),
    "list assessments": (
        "GET",
        "/v1/cases/{id}/assessments",
        None,
        {"tara": 200, "theo": 404, "erin": 403, "evan": 403, "ivy": 403, "ian": 403, "ada": 403, None: 401},
    ),
    "read consents": ("GET", "/v1/cases/{id}/consents", None, THERAPISTS_ONLY),
    "change consents": ("PUT", "/v1/cases/{id}/consents", CONSENTS, THERAPISTS_ONLY),
    "organisations": (
        "GET",
        "/v1/organisations?kind=insurer",
        None,
        {"tara": 200, "theo": 200, "erin": 200, "evan": 200, "ivy": 200, "ian": 200, "ada": 200, None: 401},
    ),
    "audit log": (
        "GET",
        "/v1/audit?case_id={id}",
        None,
        {"tara": 200, "theo": 200, "erin": 403, "evan": 403, "ivy": 403, "ian": 403, "ada": 200, None: 401},
    ),
    "audit verify": (
        "GET",
        "/v1/audit/verify",
        None,
        {"tara": 403, "theo": 403, "erin": 403, "evan": 403, "ivy": 403, "ian": 403, "ada": 200, None: 401},
    ),
}

# Keys that must not appear anywhere in a role's answer.
FORBIDDEN_KEYS = {
    "employer": {
        "claim",
        "diagnosis_codes",
        "body_parts",
        "mechanism",
        "date_of_birth",
        "assessments",
        "referral",
        "pain_nrs",
        "copm",
        "capacities",
        "grip_trials_kg",
        "insurer_org_id",
    },
    "insurer": {"copm", "capacities", "grip_trials_kg", "referral", "contact", "essential_functions", "evidence"},
}
# The endpoints whose answer is about the case under test: an allowed call notes it in its audit row.
ABOUT_THE_CASE = set(MATRIX) - {"audit log", "audit verify", "organisations"}
ROLE = {
    "tara": "therapist",
    "theo": "therapist",
    "erin": "employer",
    "evan": "employer",
    "ivy": "insurer",
    "ian": "insurer",
    "ada": "admin",
}
CELLS = [(endpoint, caller) for endpoint in MATRIX for caller in CALLERS]


def test_the_table_names_every_caller_for_every_endpoint():
    assert all(set(expected) == set(CALLERS) for _, _, _, expected in MATRIX.values())
    assert len(CELLS) == len(MATRIX) * len(CALLERS)


def keys_in(value) -> set[str]:
    if isinstance(value, dict):
        return set(value) | {k for v in value.values() for k in keys_in(v)}
    if isinstance(value, list):
        return {k for v in value for k in keys_in(v)}
    return set()


@pytest.fixture
def case_id(client, tokens) -> str:
    response = client.post("/v1/cases", json=CASE, headers=tokens.headers("tara"))
    assert response.status_code == 201
    return response.json()["id"]


@pytest.mark.parametrize(("endpoint", "caller"), CELLS, ids=[f"{e}-{c or 'anonymous'}" for e, c in CELLS])
def test_authorization_cell(client, tokens, case_id, audit_rows, endpoint, caller):
    method, path, body, expected = MATRIX[endpoint]
    headers = tokens.headers(caller) if caller else {}
    rows_before = len(audit_rows())
    response = client.request(method, path.format(id=case_id), json=body, headers=headers)
    assert response.status_code == expected[caller], f"{endpoint} as {caller}: {response.text}"
    noted = response.json()["id"] if endpoint == "create case" and response.status_code == 201 else case_id
    assert_audited(audit_rows()[rows_before:], endpoint, caller, response.status_code, noted)
    if response.status_code >= 400:
        assert response.headers["content-type"] == "application/problem+json"
        return
    forbidden = FORBIDDEN_KEYS.get(ROLE.get(caller, ""), set()) & keys_in(response.json())
    assert not forbidden, f"{endpoint} shows {ROLE[caller]} {sorted(forbidden)}"


def assert_audited(new_rows: list[dict], endpoint: str, caller: str | None, status: int, case_id: str) -> None:
    """One audit row per authenticated request, naming the case when the caller was let through to it
    (the new case, for a create); none for a request without a token."""
    if caller is None:
        assert new_rows == []
        return
    [row] = new_rows
    assert (row["username"], row["status_code"]) == (caller, status)
    noted = status < 400 and endpoint in ABOUT_THE_CASE
    if endpoint == "list cases":
        noted = status == 200 and caller in ("tara", "erin", "ivy")
    assert row["case_ids"] == ([case_id] if noted else None), f"{endpoint} as {caller}: {row['case_ids']}"
