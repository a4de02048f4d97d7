"""An unknown query parameter is refused (422 naming it), on every operation of the public API: a
client that misspells a filter (`?claim_numbr=…`) or sends one an operation does not have learns so,
instead of silently getting every row. What an operation declares is what its OpenAPI document says
(a contract test holds the two equal for every service). `create_service_app` adds the check to every router.

The FHIR API (`/fhir/…`) refuses an unknown search parameter the same way, as FHIR's strict handling
says (http://hl7.org/fhir/R4/search.html#errors): 400 with an OperationOutcome naming it (docs/fhir.md)."""

from __future__ import annotations

from fastapi import FastAPI, Request
from fastapi.dependencies.models import Dependant
from fastapi.exceptions import RequestValidationError
from fastapi.routing import APIRoute

from .api_paths import is_api, is_fhir
from .errors import ProblemError

_CACHED_ON_THE_ROUTE = "rtw_declared_query_parameters"


async def refuse_unknown_query_parameters(request: Request) -> None:
    """A router dependency: 422 naming each query parameter the matched operation does not declare
    (async: no I/O once the index is built, which the app does when it starts)."""
    route = request.scope.get("route")
    # The public API only: the portal's pages take what its sign-in provider sends back.
    if not isinstance(route, APIRoute) or not is_api(route.path_format):
        return
    if not route.include_in_schema:  # an operation the document leaves out: nothing to hold it to
        return
    declared = declared_query_parameters(route)
    unknown = sorted({name for name in request.query_params if name not in declared})
    if not unknown:
        return
    takes = ", ".join(sorted(declared)) if declared else "no query parameters"
    if is_fhir(route.path_format):
        message = f"unknown search parameter (this interaction takes: {takes})"
        raise ProblemError(
            f"{', '.join(unknown)}: {message}",
            errors=[{"field": name, "message": message, "type": "unknown_query_parameter"} for name in unknown],
        )
    raise RequestValidationError(
        [
            {
                "loc": ("query", name),
                "msg": f"unknown query parameter (this operation takes: {takes})",
                "type": "unknown_query_parameter",
                "input": request.query_params.get(name),
            }
            for name in unknown
        ]
    )


def declared_query_parameters(route: APIRoute) -> frozenset[str]:
    """The query parameters an operation declares: those of its function and of every dependency, by the
    name a client sends (the alias), as FastAPI's OpenAPI document lists them. Read from the route, once
    per route, not by generating the whole document: that cost each app's first request 0.3-1 s."""
    cached: frozenset[str] | None = getattr(route, _CACHED_ON_THE_ROUTE, None)
    if cached is None:
        cached = frozenset(_query_parameters_of(route.dependant))
        setattr(route, _CACHED_ON_THE_ROUTE, cached)  # racing first requests compute the same set: no lock
    return cached


def _query_parameters_of(dependant: Dependant) -> set[str]:
    """The aliases of the query parameters of a function and, recursively, of its dependencies."""
    names = {field.alias for field in dependant.query_params if getattr(field.field_info, "include_in_schema", True)}
    for dependency in dependant.dependencies:
        names |= _query_parameters_of(dependency)
    return names


def declared_in_the_document(app: FastAPI) -> dict[tuple[str, str], frozenset[str]]:
    """(path, method) → the query parameters the app's OpenAPI document declares (for the test that holds
    `declared_query_parameters` to the document)."""
    index = {}
    for path, operations in app.openapi().get("paths", {}).items():
        for method, operation in operations.items():
            if not isinstance(operation, dict):
                continue  # a path item's "parameters" or "summary", not an operation
            parameters = [*operations.get("parameters", []), *operation.get("parameters", [])]
            index[(path, method)] = frozenset(p["name"] for p in parameters if p.get("in") == "query")
    return index
