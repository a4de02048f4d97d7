"""The example bodies /docs and /redoc show for workplan's operations work as they stand: each is sent,
from /openapi.json, on the real database with a real token — a plan filled with the plan example,
published, then each session example logged on it."""

from __future__ import annotations


def examples(client, method: str, path: str) -> dict[str, dict]:
    operation = client.get("/openapi.json").json()["paths"][path][method]
    return {name: e["value"] for name, e in operation["requestBody"]["content"]["application/json"]["examples"].items()}


def test_each_fill_plan_example_fills_a_draft(client, tokens, draft_plan):
    shown = examples(client, "put", "/v1/plans/{plan_id}")
    assert shown
    for name, body in shown.items():
        response = client.put(f"/v1/plans/{draft_plan}", json=body, headers=tokens.headers("tara"))
        assert response.status_code == 200, f"{name}: {response.text}"
        assert len(response.json()["goals"]) == len(body["goals"])


def test_each_log_session_example_is_recorded_on_the_example_plan(client, tokens, draft_plan):
    [plan_body] = examples(client, "put", "/v1/plans/{plan_id}").values()
    headers = tokens.headers("tara")
    assert client.put(f"/v1/plans/{draft_plan}", json=plan_body, headers=headers).status_code == 200
    published = client.post(f"/v1/plans/{draft_plan}/publish", headers=headers)
    assert published.status_code == 200, published.text
    shown = examples(client, "post", "/v1/plans/{plan_id}/sessions")
    assert len(shown) >= 2  # attended, and missed
    for name, body in shown.items():
        response = client.post(f"/v1/plans/{draft_plan}/sessions", json=body, headers=headers)
        assert response.status_code == 201, f"{name}: {response.text}"
        assert response.json()["attendance"] == body["attendance"]
