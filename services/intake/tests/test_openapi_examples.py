"""The example bodies /docs and /redoc show for intake's operations work as they stand: each is posted,
from /openapi.json, on the real database with a real token."""

from __future__ import annotations


def examples(client, method: str, path: str) -> dict[str, dict]:
    operation = client.get("/openapi.json").json()["paths"][path][method]
    return {name: e["value"] for name, e in operation["requestBody"]["content"]["application/json"]["examples"].items()}


def test_each_create_case_example_opens_a_case(client, tokens):
    shown = examples(client, "post", "/v1/cases")
    assert shown
    for name, body in shown.items():
        response = client.post("/v1/cases", json=body, headers=tokens.headers("tara"))
        assert response.status_code == 201, f"{name}: {response.text}"
        assert response.json()["worker"]["family_name"] == body["worker"]["family_name"]
