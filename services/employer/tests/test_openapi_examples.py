"""The example bodies /docs and /redoc show for employer's operations work as they stand: each decision
example, from /openapi.json, answers a pending request of its own, on the real database with a real
token."""

from __future__ import annotations


def examples(client, method: str, path: str) -> dict[str, dict]:
    operation = client.get("/openapi.json").json()["paths"][path][method]
    return {name: e["value"] for name, e in operation["requestBody"]["content"]["application/json"]["examples"].items()}


def test_each_decision_example_answers_a_pending_request(client, tokens, open_request):
    shown = examples(client, "post", "/v1/accommodations/{request_id}/decision")
    assert {body["decision"] for body in shown.values()} == {"confirmed", "declined", "countered"}
    for name, body in shown.items():
        request_id, _ = open_request()
        response = client.post(f"/v1/accommodations/{request_id}/decision", json=body, headers=tokens.headers("erin"))
        assert response.status_code == 200, f"{name}: {response.text}"
        assert response.json()["status"] == body["decision"]
