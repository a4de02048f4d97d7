"""An unknown query parameter is refused (422 naming it), on every operation of the public API: a
client that misspells a filter (`?claim_numbr=…`) or sends one an operation does not have learns so,
instead of silently getting every row. What an operation declares is what its OpenAPI document says,
so the check and the document can never disagree. `create_service_app` adds the check to every router.

The FHIR API (`/fhir/…`) refuses an unknown search parameter the same way, as FHIR's strict handling
says (http://hl7.org/fhir/R4/search.html#errors): 400 with an OperationOutcome naming it (docs/fhir.md)."""

from __future__ import annotations

import threading

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.routing import APIRoute

from .api_paths import is_api, is_fhir
from .errors import ProblemError

_index_lock = threading.Lock()


def refuse_unknown_query_parameters(request: Request) -> None:
    """A router dependency: 422 naming each query parameter the matched operation does not declare."""
    route = request.scope.get("route")
    # The public API only: the portal's pages take what its sign-in provider sends back.
    if not isinstance(route, APIRoute) or not is_api(route.path_format):
        return
    declared = declared_query_parameters(request.app).get((route.path_format, _method(request.method)))
    if declared is None:  # an operation the document leaves out: nothing to hold it to
        return
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


def declared_query_parameters(app: FastAPI) -> dict[tuple[str, str], frozenset[str]]:
    """(path, method) → the query parameters the app's OpenAPI document declares for that operation."""
    index: dict[tuple[str, str], frozenset[str]] | None = getattr(app.state, "declared_query_parameters", None)
    if index is None:
        with _index_lock:  # built once, by the first request to need it
            index = getattr(app.state, "declared_query_parameters", None) or _index(app)
            app.state.declared_query_parameters = index
    return index


def _index(app: FastAPI) -> dict[tuple[str, str], frozenset[str]]:
    index = {}
    for path, operations in app.openapi().get("paths", {}).items():
        for method, operation in operations.items():
            if not isinstance(operation, dict):
                continue  # a path item's "parameters" or "summary", not an operation
            parameters = [*operations.get("parameters", []), *operation.get("parameters", [])]
            index[(path, method)] = frozenset(p["name"] for p in parameters if p.get("in") == "query")
    return index


def _method(method: str) -> str:
    return "get" if method == "HEAD" else method.lower()
