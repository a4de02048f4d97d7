"""RFC 9457 problem details: every error a client sees is `application/problem+json` with a
clear `detail`. Malformed input is 422 naming the offending field, never a 500.

The FHIR API (`/fhir/…`) answers the same errors as FHIR clients read them: an `OperationOutcome`
(`application/fhir+json`, rtw_shared.outcome) with the same status, except that invalid input there is
400 — FHIR's answer to a read or search it cannot process (422 is for a resource a client sends, which
the FHIR API does not take)."""

from __future__ import annotations

from typing import Any

import structlog
from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from pydantic import BaseModel
from sqlalchemy.exc import OperationalError
from starlette.exceptions import HTTPException as StarletteHTTPException

from .api_paths import is_fhir
from .outcome import FHIR_MEDIA_TYPE, operation_outcome

PROBLEM_JSON = "application/problem+json"
log = structlog.get_logger("rtw.errors")
DATABASE_RETRY_AFTER_SECONDS = 2


class Problem(BaseModel):
    """RFC 9457 problem details, as every error answers (extension members may follow)."""

    type: str = "about:blank"
    title: str
    status: int
    detail: str
    instance: str | None = None


PROBLEM_STATUSES = {
    400: "The request could not be read (e.g. a body that is not JSON text)",
    401: "No token, or a token that is not valid",
    403: "Your role may not do this",
    404: "Not found, or outside your organisation",
    409: "Not allowed in the resource's current state",
    412: "If-Match names an older version",
    413: "The request body is larger than the service accepts",
    422: "Invalid input; `errors` names each offending field",
    429: "Too many requests from this caller; wait `Retry-After` seconds",
    503: "The database is unavailable for a moment; nothing was changed. Retry after `Retry-After` seconds",
}
# Documented on every operation: any of them may answer, and clients should expect problem+json.
PROBLEM_RESPONSES: dict[int | str, dict[str, Any]] = {
    status: {
        "model": Problem,
        "description": text,
        "content": {PROBLEM_JSON: {"schema": {"$ref": "#/components/schemas/Problem"}}},
    }
    for status, text in PROBLEM_STATUSES.items()
}


class ProblemError(Exception):
    """Raise to answer with a problem document; the subclasses name the usual ones."""

    status = 400
    title = "Bad request"

    def __init__(self, detail: str, *, headers: dict[str, str] | None = None, **extra: object):
        super().__init__(detail)
        self.detail = detail
        self.headers = headers
        self.extra = extra


class UnauthorizedError(ProblemError):
    status, title = 401, "Unauthorized"


class ForbiddenError(ProblemError):
    status, title = 403, "Forbidden"


class NotFoundError(ProblemError):
    status, title = 404, "Not found"


class ConflictError(ProblemError):
    status, title = 409, "Conflict"


class PreconditionFailedError(ProblemError):
    status, title = 412, "Precondition failed"


class PayloadTooLargeError(ProblemError):
    status, title = 413, "Content too large"


class UnprocessableError(ProblemError):
    status, title = 422, "Unprocessable content"


class TooManyRequestsError(ProblemError):
    status, title = 429, "Too many requests"


def problem(
    status: int,
    title: str,
    detail: str,
    *,
    instance: str | None = None,
    headers: dict[str, str] | None = None,
    **extra: object,
) -> JSONResponse:
    """The error as problem+json; on a FHIR path (`instance`), as an OperationOutcome."""
    if instance and is_fhir(instance):
        status = 400 if status == 422 else status
        errors = extra.get("errors")
        if not isinstance(errors, list):
            errors = [{"field": extra["field"], "message": detail}] if extra.get("field") else []
        outcome = operation_outcome(status, detail, errors=errors)
        return JSONResponse(outcome, status_code=status, media_type=FHIR_MEDIA_TYPE, headers=headers)
    body: dict[str, object] = {"type": "about:blank", "title": title, "status": status, "detail": detail}
    if instance:
        body["instance"] = instance
    body.update(extra)
    return JSONResponse(body, status_code=status, media_type=PROBLEM_JSON, headers=headers)


def _field(loc: tuple[int | str, ...]) -> str:
    # ("body", "worker", "date_of_birth") -> "worker.date_of_birth"
    parts = [str(p) for p in loc if p not in ("body",)]
    return ".".join(parts) or "body"


def install_error_handlers(app: FastAPI) -> None:
    @app.exception_handler(ProblemError)
    async def on_problem(request: Request, error: ProblemError) -> JSONResponse:
        return problem(
            error.status, error.title, error.detail, instance=request.url.path, headers=error.headers, **error.extra
        )

    @app.exception_handler(RequestValidationError)
    async def on_invalid(request: Request, error: RequestValidationError) -> JSONResponse:
        errors = [{"field": _field(e["loc"]), "message": e["msg"], "type": e["type"]} for e in error.errors()]
        detail = "; ".join(f"{e['field']}: {e['message']}" for e in errors[:5])
        return problem(
            422, "Unprocessable content", detail or "invalid request", instance=request.url.path, errors=errors
        )

    @app.exception_handler(StarletteHTTPException)
    async def on_http(request: Request, error: StarletteHTTPException) -> JSONResponse:
        headers = dict(getattr(error, "headers", None) or {})
        if error.status_code == 405:
            headers["Allow"] = ", ".join(_allowed_methods(request))
        return problem(
            error.status_code,
            _title(error.status_code),
            str(error.detail),
            instance=request.url.path,
            headers=headers or None,
        )

    @app.exception_handler(OperationalError)
    async def on_database_unavailable(request: Request, error: OperationalError) -> JSONResponse:
        # The database is away (restarting, failing over) or gave up on the statement: a passing
        # condition, so 503 with when to try again, not a 500. Nothing was committed.
        log.warning("database unavailable", path=request.url.path, error=str(error.orig).splitlines()[0])
        return problem(
            503,
            "Service unavailable",
            "The database is unavailable for a moment; nothing was changed. Try again shortly.",
            instance=request.url.path,
            headers={"Retry-After": str(DATABASE_RETRY_AFTER_SECONDS)},
        )

    @app.exception_handler(Exception)
    async def on_unexpected(request: Request, error: Exception) -> JSONResponse:
        log.exception("unhandled error", path=request.url.path)
        return problem(
            500,
            "Internal server error",
            "Something went wrong on our side; it has been logged.",
            instance=request.url.path,
        )


def _allowed_methods(request: Request) -> list[str]:
    """Every method some route serves at this path (Starlette names only the first route's)."""
    from starlette.routing import Match

    methods: set[str] = set()
    for route in request.app.routes:
        match, _ = route.matches({**request.scope, "method": "GET"})
        if match != Match.NONE and getattr(route, "methods", None):
            methods |= set(route.methods)
    return sorted(methods)


def _title(status: int) -> str:
    from http import HTTPStatus

    try:
        return HTTPStatus(status).phrase
    except ValueError:
        return "Error"
