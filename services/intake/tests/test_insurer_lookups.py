"""Insurers find their claims (issue 22, point 8): `GET /v1/cases?claim_number=&reference=` matches
exactly among the caller's visible cases; an unknown query parameter is 422 naming it; a claim is
registered once per insurer (409 naming the case, its reference only to whoever may see it); the
status carries the reference and, for therapists and insurers, the claim number."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

import pytest

from rtw_devstack.journey import new_case


def create(client, tokens, user="tara", claim_number: str | None = None, **claim) -> dict:
    body = new_case(claim_number)
    body["claim"].update(claim)
    response = client.post("/v1/cases", json=body, headers=tokens.headers(user))
    assert response.status_code == 201, response.text
    return response.json()


def ids(response) -> list[str]:
    assert response.status_code == 200, response.text
    return [item["id"] for item in response.json()["items"]]


def test_an_insurer_finds_its_case_by_claim_number_or_reference_and_nothing_else(client, tokens):
    wanted = create(client, tokens, claim_number="NW-2026-11873")
    other = create(client, tokens, claim_number="NW-2026-11874")
    elsewhere = create(client, tokens, "theo", claim_number="NW-2026-11873", insurer_org_id="contoso")

    assert ids(client.get("/v1/cases", params={"claim_number": "NW-2026-11873"}, headers=tokens.headers("ivy"))) == [
        wanted["id"]
    ]
    assert ids(client.get("/v1/cases", params={"reference": other["reference"]}, headers=tokens.headers("ivy"))) == [
        other["id"]
    ]
    assert ids(client.get("/v1/cases", params={"claim_number": "NW-2026-1187"}, headers=tokens.headers("ivy"))) == []
    # The same number at another insurer is that insurer's claim: each sees only its own.
    assert ids(client.get("/v1/cases", params={"claim_number": "NW-2026-11873"}, headers=tokens.headers("ian"))) == [
        elsewhere["id"]
    ]
    both = {"claim_number": "NW-2026-11873", "reference": other["reference"]}
    assert ids(client.get("/v1/cases", params=both, headers=tokens.headers("ivy"))) == []
    assert ids(client.get("/v1/cases", params={"claim_number": "NW-2026-11873"}, headers=tokens.headers("tara"))) == [
        wanted["id"]
    ]


def test_a_claim_number_look_up_follows_the_workers_consent(client, tokens):
    hidden = new_case("NW-2026-555")
    hidden["consents"] = {"share_restrictions_with_employer": True, "share_status_with_insurer": False}
    assert client.post("/v1/cases", json=hidden, headers=tokens.headers("tara")).status_code == 201
    assert ids(client.get("/v1/cases", params={"claim_number": "NW-2026-555"}, headers=tokens.headers("ivy"))) == []


def test_an_employer_cannot_look_cases_up_by_a_claim_number_it_may_not_read(client, tokens):
    create(client, tokens, claim_number="NW-2026-777")
    refused = client.get("/v1/cases", params={"claim_number": "NW-2026-777"}, headers=tokens.headers("erin"))
    assert refused.status_code == 403
    assert refused.json()["detail"] == "your role does not read claim numbers, so it cannot look cases up by one"
    case = create(client, tokens, claim_number="NW-2026-778")
    assert ids(client.get("/v1/cases", params={"reference": case["reference"]}, headers=tokens.headers("erin"))) == [
        case["id"]
    ]


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"claim_numbr": "NW-2026-11873"}, "query.claim_numbr"),
        ({"insurer": "northwind"}, "query.insurer"),
        ({"reference": "NW-2026-11873"}, "query.reference"),  # not a reference's shape
        ({"claim_number": ""}, "query.claim_number"),
    ],
)
def test_an_unknown_or_malformed_filter_is_422_naming_it_never_every_case(client, tokens, params, field):
    create(client, tokens)
    response = client.get("/v1/cases", params=params, headers=tokens.headers("ivy"))
    assert response.status_code == 422
    assert [e["field"] for e in response.json()["errors"]] == [field]


def test_a_claim_the_insurer_already_has_is_409_naming_the_case_to_whoever_may_see_it(client, tokens):
    first = create(client, tokens, claim_number="NW-2026-11873")
    again = new_case("NW-2026-11873")

    by_tara = client.post("/v1/cases", json=again, headers=tokens.headers("tara"))
    assert by_tara.status_code == 409
    assert by_tara.json()["detail"] == (
        f"claim NW-2026-11873 of northwind is already registered as case {first['reference']}: "
        "work on that case (or withdraw it first)"
    )
    assert (by_tara.json()["reference"], by_tara.json()["case_id"]) == (first["reference"], first["id"])

    by_theo = client.post("/v1/cases", json=again, headers=tokens.headers("theo"))  # another clinic
    assert by_theo.status_code == 409
    assert by_theo.json()["detail"] == "claim NW-2026-11873 of northwind is already registered"
    assert "reference" not in by_theo.json() and first["reference"] not in by_theo.text

    listed = client.get("/v1/cases", params={"claim_number": "NW-2026-11873"}, headers=tokens.headers("ivy"))
    assert ids(listed) == [first["id"]]


def test_a_withdrawn_case_frees_its_claim_number(client, tokens):
    first = create(client, tokens, claim_number="NW-2026-900")
    withdrawn = client.post(
        f"/v1/cases/{first['id']}/transitions",
        json={"to": "withdrawn", "reason": "opened with the wrong employer"},
        headers=tokens.headers("tara"),
    )
    assert withdrawn.status_code == 200
    second = create(client, tokens, claim_number="NW-2026-900")
    listed = client.get("/v1/cases", params={"claim_number": "NW-2026-900"}, headers=tokens.headers("ivy"))
    assert sorted(ids(listed)) == sorted([first["id"], second["id"]])


def test_two_therapists_registering_one_claim_at_once_make_one_case(client, tokens):
    body = new_case("NW-2026-RACE")

    def register(user: str) -> int:
        return client.post("/v1/cases", json=body, headers=tokens.headers(user)).status_code

    with ThreadPoolExecutor(max_workers=4) as pool:
        codes = sorted(pool.map(register, ["tara", "theo", "tara", "theo"]))
    assert codes == [201, 409, 409, 409]


@pytest.mark.parametrize(("user", "claim_number"), [("tara", "NW-2026-42"), ("ivy", "NW-2026-42")])
def test_the_status_carries_the_reference_and_for_therapists_and_insurers_the_claim_number(
    client, tokens, user, claim_number
):
    case = create(client, tokens, claim_number=claim_number)
    status = client.get(f"/v1/cases/{case['id']}/status", headers=tokens.headers(user)).json()
    assert (status["reference"], status["claim_number"]) == (case["reference"], claim_number)
