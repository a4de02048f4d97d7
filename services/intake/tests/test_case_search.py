"""The caseload's look-ups (the therapist's workspace, docs/workspace.md): `GET /v1/cases?q=` finds a case by
part of the worker's name in any case, or by its claim number or reference exactly, among the cases the
caller may see; `mine=true` keeps the caller's own (the assigned therapist's). A search is an oracle on
claim numbers and names, so only the roles that read both may search (403 otherwise)."""

from __future__ import annotations

from rtw_devstack.journey import new_case


def create(client, tokens, user="tara", *, given: str, family: str) -> dict:
    body = new_case()
    body["worker"].update(given_name=given, family_name=family)
    response = client.post("/v1/cases", json=body, headers=tokens.headers(user))
    assert response.status_code == 201, response.text
    return response.json()


def found(client, tokens, user: str, **params) -> list[str]:
    response = client.get("/v1/cases", params=params, headers=tokens.headers(user))
    assert response.status_code == 200, response.text
    return [item["id"] for item in response.json()["items"]]


def test_a_therapist_finds_a_case_by_part_of_the_name_or_its_claim_number_or_reference(client, tokens):
    maria = create(client, tokens, given="Maria", family="Lopez")
    sam = create(client, tokens, given="Sam", family="Okafor")
    for search in ("lopez", "MARIA", "maria lo", "Lopez Maria", "ari"):
        assert found(client, tokens, "tara", q=search) == [maria["id"]], search
    assert found(client, tokens, "tara", q=sam["claim"]["claim_number"]) == [sam["id"]]
    assert found(client, tokens, "tara", q=sam["reference"]) == [sam["id"]]
    assert found(client, tokens, "tara", q=sam["reference"].lower()) == [sam["id"]]
    assert found(client, tokens, "tara", q=sam["claim"]["claim_number"][:-1]) == []  # a claim number matches whole
    assert found(client, tokens, "tara", q="%") == []  # a wildcard is a character like any other
    assert found(client, tokens, "tara", q="o", status="referred") == [sam["id"], maria["id"]]  # newest first
    assert found(client, tokens, "tara", q="o", status="closed") == []


def test_nobody_finds_a_case_outside_what_they_may_see(client, tokens):
    maria = create(client, tokens, given="Maria", family="Lopez")
    assert found(client, tokens, "theo", q="Lopez") == []  # another clinic's
    assert found(client, tokens, "ivy", q="Lopez") == [maria["id"]]  # the case's insurer reads names
    assert found(client, tokens, "ian", q="Lopez") == []
    refused = client.get("/v1/cases", params={"q": "Lopez"}, headers=tokens.headers("erin"))
    assert refused.status_code == 403 and "claim numbers" in refused.json()["detail"]


def test_mine_keeps_the_cases_assigned_to_the_caller(client, tokens):
    taras = create(client, tokens, given="Maria", family="Lopez")
    theos = create(client, tokens, "theo", given="Ana", family="Silva")
    assert found(client, tokens, "tara", mine="true") == [taras["id"]]
    assert found(client, tokens, "theo", mine="true") == [theos["id"]]
    assert found(client, tokens, "ivy", mine="true") == []  # no case is assigned to an insurer
    assert found(client, tokens, "ivy", mine="false") == [theos["id"], taras["id"]]  # both are northwind claims
