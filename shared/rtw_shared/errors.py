"""RFC 9457 problem details: every error a client sees is `application/problem+json` with a
clear `detail`. Malformed input is 422 naming the offending field, never a 500."""

from __future__ import annotations

import structlog
from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException

PROBLEM_JSON = "application/problem+json"
log = structlog.get_logger("rtw.errors")


class ProblemError(Exception):
    """Raise to answer with a problem document; the subclasses name the usual ones."""

    status = 400
    title = "Bad request"

    def __init__(self, detail: str, *, headers: dict[str, str] | None = None, **extra):
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


class UnprocessableError(ProblemError):
    status, title = 422, "Unprocessable content"


def problem(status: int, title: str, detail: str, *, instance: str | None = None,
            headers: dict[str, str] | None = None, **extra) -> JSONResponse:
    body = {"type": "about:blank", "title": title, "status": status, "detail": detail}
    if instance:
        body["instance"] = instance
    body.update(extra)
    return JSONResponse(body, status_code=status, media_type=PROBLEM_JSON, headers=headers)


def _field(loc: tuple) -> str:
    # ("body", "worker", "date_of_birth") -> "worker.date_of_birth"
    parts = [str(p) for p in loc if p not in ("body",)]
    return ".".join(parts) or "body"


def install_error_handlers(app: FastAPI) -> None:
    @app.exception_handler(ProblemError)
    async def on_problem(request: Request, error: ProblemError):
        return problem(error.status, error.title, error.detail, instance=request.url.path,
                       headers=error.headers, **error.extra)

    @app.exception_handler(RequestValidationError)
    async def on_invalid(request: Request, error: RequestValidationError):
        errors = [{"field": _field(e["loc"]), "message": e["msg"], "type": e["type"]} for e in error.errors()]
        detail = "; ".join(f"{e['field']}: {e['message']}" for e in errors[:5])
        return problem(422, "Unprocessable content", detail or "invalid request",
                       instance=request.url.path, errors=errors)

    @app.exception_handler(StarletteHTTPException)
    async def on_http(request: Request, error: StarletteHTTPException):
        return problem(error.status_code, _title(error.status_code), str(error.detail),
                       instance=request.url.path, headers=getattr(error, "headers", None))

    @app.exception_handler(Exception)
    async def on_unexpected(request: Request, error: Exception):
        log.exception("unhandled error", path=request.url.path)
        return problem(500, "Internal server error", "Something went wrong on our side; it has been logged.",
                       instance=request.url.path)


def _title(status: int) -> str:
    from http import HTTPStatus

    try:
        return HTTPStatus(status).phrase
    except ValueError:
        return "Error"
