"""An unknown query parameter is 422 naming it, on every operation of every service's public API
(rtw_shared.query_params, added by create_service_app): what an operation declares is what its
OpenAPI document says, parameters of dependencies and aliases included. Real PostgreSQL and Keycloak."""

from __future__ import annotations

import uuid
from typing import Annotated

import pytest
from fastapi import APIRouter, Depends, Query
from fastapi.testclient import TestClient
from sqlalchemy import create_engine

from rtw_shared.audit.tables import metadata as audit_metadata
from rtw_shared.auth import CurrentPrincipal
from rtw_shared.settings import ServiceSettings
from rtw_shared.web import create_service_app


def paging(cursor: Annotated[str | None, Query(max_length=200)] = None, limit: int = 50) -> dict[str, object]:
    """A dependency with query parameters of its own (as a shared pagination dependency would be)."""
    return {"cursor": cursor, "limit": limit}


def routes() -> APIRouter:
    router = APIRouter()

    @router.get("/v1/things")
    def list_things(
        principal: CurrentPrincipal,
        page: Annotated[dict[str, object], Depends(paging)],
        status_filter: Annotated[str | None, Query(alias="status")] = None,
    ) -> dict[str, object]:
        return {"status": status_filter, **page}

    @router.get("/v1/things/{thing_id}")
    def get_thing(thing_id: uuid.UUID, principal: CurrentPrincipal) -> dict[str, str]:
        return {"id": str(thing_id)}

    @router.post("/v1/things")
    def add_thing(principal: CurrentPrincipal, dry_run: bool = False) -> dict[str, bool]:
        return {"dry_run": dry_run}

    @router.get("/portal/callback")
    def sign_in_callback(code: str = "") -> dict[str, str]:
        """Not the public API: a sign-in provider sends back what it likes (session_state, iss…)."""
        return {"code": code}

    return router


@pytest.fixture
def client(scratch_database, rtw_infra):
    engine = create_engine(scratch_database.replace("postgresql://", "postgresql+psycopg://"))
    audit_metadata.create_all(engine)
    settings = ServiceSettings(
        service_name="query-test",
        database_url=engine.url.render_as_string(False),
        keycloak_url=rtw_infra.keycloak_url,
        keycloak_issuer=rtw_infra.keycloak_issuer,
        log_json=False,
    )
    with TestClient(create_service_app(settings, title="query test", routers=[routes()])) as test_client:
        yield test_client
    engine.dispose()


def test_declared_parameters_pass_by_their_alias_and_from_dependencies(client, tokens):
    response = client.get(
        "/v1/things", params={"status": "open", "cursor": "abc", "limit": 5}, headers=tokens.headers("ivy")
    )
    assert response.status_code == 200, response.text
    assert response.json() == {"status": "open", "cursor": "abc", "limit": 5}


@pytest.mark.parametrize(
    ("method", "path", "params", "unknown"),
    [
        ("GET", "/v1/things", {"claim_numbr": "NW-1", "status": "open"}, ["claim_numbr"]),
        ("GET", "/v1/things", {"status_filter": "open"}, ["status_filter"]),  # the Python name is not the alias
        ("GET", "/v1/things", {"b": "1", "a": "2"}, ["a", "b"]),
        ("GET", "/v1/things/6f1c1d2e-4d3b-4c55-9a0e-3f7a1b2c3d4e", {"expand": "all"}, ["expand"]),
        ("POST", "/v1/things", {"dryrun": "true"}, ["dryrun"]),
    ],
)
def test_an_unknown_query_parameter_is_422_naming_it(client, tokens, method, path, params, unknown):
    response = client.request(method, path, params=params, headers=tokens.headers("ivy"))
    assert response.status_code == 422
    assert response.headers["content-type"] == "application/problem+json"
    problem = response.json()
    assert [e["field"] for e in problem["errors"]] == [f"query.{name}" for name in unknown]
    assert {e["type"] for e in problem["errors"]} == {"unknown_query_parameter"}
    assert problem["detail"].startswith(f"query.{unknown[0]}: unknown query parameter")


def test_the_refusal_says_what_the_operation_takes(client, tokens):
    listed = client.get("/v1/things", params={"q": "x"}, headers=tokens.headers("ivy")).json()
    assert listed["errors"][0]["message"] == "unknown query parameter (this operation takes: cursor, limit, status)"
    one = client.get(f"/v1/things/{uuid.uuid4()}", params={"q": "x"}, headers=tokens.headers("ivy")).json()
    assert one["errors"][0]["message"] == "unknown query parameter (this operation takes: no query parameters)"


def test_a_request_without_a_token_is_still_401_first(client):
    assert client.get("/v1/things", params={"bogus": "1"}).status_code == 401


def test_pages_outside_the_public_api_take_what_they_are_sent(client):
    response = client.get("/portal/callback", params={"code": "c", "session_state": "s", "iss": "http://kc"})
    assert response.status_code == 200 and response.json() == {"code": "c"}
