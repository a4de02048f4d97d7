"""Every read of every service's public API refuses a query parameter it does not declare: 422 naming
it (rtw_shared.query_params), rather than silently answering every row — `GET /v1/cases?claim_numbr=`
once returned every case. The operations are derived from each app's routes as its OpenAPI document
lists them, so a new list endpoint is checked without being named here."""

from __future__ import annotations

import importlib
import re
import uuid
from pathlib import Path

import pytest
from fastapi.routing import APIRoute, iter_route_contexts
from fastapi.testclient import TestClient

from rtw_shared.api_paths import is_api
from rtw_shared.query_params import declared_in_the_document, declared_query_parameters
from rtw_shared.services import SERVICE_DEFS
from rtw_shared.settings import ServiceSettings
from rtw_shared.testing import DEMO_USERS

UNKNOWN = "not_a_parameter"


def settings_class(package: str) -> type[ServiceSettings]:
    module = importlib.import_module(f"{package}.settings")
    return next(
        value
        for value in vars(module).values()
        if isinstance(value, type) and issubclass(value, ServiceSettings) and value.__module__ == module.__name__
    )


def migrations_of(package: str) -> Path:
    module_file = importlib.import_module(package).__file__
    assert module_file is not None
    return Path(module_file).parent / "migrations"


def reads(app) -> list[str]:
    """Every GET of the public API, its path parameters filled with an id (the check comes before any lookup)."""
    return sorted(
        re.sub(r"\{[^}]+\}", str(uuid.uuid4()), path)
        for path, operations in app.openapi()["paths"].items()
        if path.startswith("/v1/") and "get" in operations
    )


@pytest.mark.parametrize("defn", SERVICE_DEFS, ids=lambda defn: defn.name)
def test_every_read_of_every_service_refuses_an_unknown_query_parameter(defn, service_settings, tokens):
    settings = service_settings(settings_class(defn.package), migrations_of(defn.package))
    app = importlib.import_module(f"{defn.package}.app").create_app(settings)
    caller = next(user for user, (role, _) in DEMO_USERS.items() if role == defn.main_role)
    paths = reads(app)
    assert [path for path in paths if path.count("-") < 4], f"{defn.name}: no list endpoint found"
    answers = {}
    with TestClient(app) as client:
        for path in paths:
            response = client.get(path, params={UNKNOWN: "1"}, headers=tokens.headers(caller))
            errors = response.json().get("errors", []) if response.status_code == 422 else []
            answers[path] = (response.status_code, [e["field"] for e in errors])
    assert answers == dict.fromkeys(paths, (422, [f"query.{UNKNOWN}"]))


@pytest.mark.parametrize("defn", SERVICE_DEFS, ids=lambda defn: defn.name)
def test_what_the_check_takes_is_what_the_document_declares(defn):
    """The check reads each operation's parameters from its route (generating the whole document on a
    service's first request cost hundreds of milliseconds): it must agree with the document exactly."""
    app = importlib.import_module(f"{defn.package}.app").create_app(settings_class(defn.package)())
    documented = declared_in_the_document(app)
    routes = [context.original_route for context in iter_route_contexts(app.routes)]
    checked = {
        (route.path_format, method.lower()): declared_query_parameters(route)
        for route in routes
        if isinstance(route, APIRoute) and route.include_in_schema and is_api(route.path_format)
        for method in route.methods
    }
    assert checked == {key: value for key, value in documented.items() if is_api(key[0])}
    assert any(checked.values())  # the operations take parameters: the comparison compared something
