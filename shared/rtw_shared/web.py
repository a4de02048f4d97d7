"""The app factory every service uses: errors as problem+json, correlation ids, JSON access
logs, Prometheus metrics, `/healthz` and `/readyz`, the database and token validator on
`app.state`, and a `UowDep` dependency for endpoints."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from contextlib import asynccontextmanager
from typing import Annotated

import structlog
from fastapi import APIRouter, Depends, FastAPI, Request
from fastapi.responses import JSONResponse, Response
from prometheus_client import CONTENT_TYPE_LATEST, Counter, Histogram, generate_latest
from sqlalchemy import text

from . import context
from .auth import TokenValidator
from .db import make_engine, make_session_factory
from .errors import PROBLEM_RESPONSES, install_error_handlers
from .logging import configure_logging
from .settings import ServiceSettings
from .uow import UnitOfWork

CORRELATION_HEADER = "X-Correlation-ID"
REQUESTS = Counter("rtw_http_requests_total", "HTTP requests", ["method", "route", "status"])
LATENCY = Histogram("rtw_http_request_seconds", "HTTP request latency", ["method", "route"])
log = structlog.get_logger("rtw.http")


def create_service_app(settings: ServiceSettings, *, title: str, routers: list[APIRouter],
                       version: str = "1.0.0", description: str = "",
                       on_startup: Callable[[FastAPI], None] | None = None) -> FastAPI:
    configure_logging(settings.service_name, level=settings.log_level, json=settings.log_json)

    @asynccontextmanager
    async def lifespan(app: FastAPI):
        engine = make_engine(settings.database_url, pool_size=settings.db_pool_size)
        app.state.settings = settings
        app.state.engine = engine
        app.state.session_factory = make_session_factory(engine)
        app.state.token_validator = TokenValidator(settings) if settings.auth_enabled else None
        if app.state.token_validator:
            app.state.token_validator.jwks.refresh(force=True)
        if on_startup:
            on_startup(app)
        yield
        engine.dispose()

    app = FastAPI(title=title, version=version, description=description, lifespan=lifespan,
                  responses=PROBLEM_RESPONSES)
    install_error_handlers(app)
    app.middleware("http")(_observe)
    app.include_router(_operations_router())
    for router in routers:
        app.include_router(router)
    return app


async def _observe(request: Request, call_next):
    """Correlation id in and out, one access log line, request metrics."""
    correlation_id = context.bind_correlation_id(request.headers.get(CORRELATION_HEADER))
    started = time.perf_counter()
    try:
        response = await call_next(request)
    finally:
        elapsed = time.perf_counter() - started
    route = getattr(request.scope.get("route"), "path", "unmatched")
    REQUESTS.labels(request.method, route, response.status_code).inc()
    LATENCY.labels(request.method, route).observe(elapsed)
    response.headers[CORRELATION_HEADER] = correlation_id
    if route not in ("/healthz", "/readyz", "/metrics"):
        log.info("request", method=request.method, path=request.url.path, status=response.status_code,
                 ms=round(elapsed * 1000, 1))
    context.clear()
    return response


def _operations_router() -> APIRouter:
    router = APIRouter(tags=["operations"])

    @router.get("/healthz", include_in_schema=False)
    def healthz() -> dict:
        return {"status": "ok"}

    @router.get("/readyz", include_in_schema=False)
    def readyz(request: Request) -> JSONResponse:
        checks = {"database": _database_ok(request), "signing_keys": _keys_ok(request)}
        ready = all(checks.values())
        return JSONResponse({"status": "ready" if ready else "not ready", "checks": checks},
                            status_code=200 if ready else 503)

    @router.get("/metrics", include_in_schema=False)
    def metrics() -> Response:
        return Response(generate_latest(), media_type=CONTENT_TYPE_LATEST)

    return router


def _database_ok(request: Request) -> bool:
    try:
        with request.app.state.engine.connect() as conn:
            conn.execute(text("SELECT 1"))
        return True
    except Exception:
        return False


def _keys_ok(request: Request) -> bool:
    validator = request.app.state.token_validator
    return validator is None or validator.jwks.loaded or validator.jwks.refresh()


def get_uow(request: Request) -> Iterator[UnitOfWork]:
    settings: ServiceSettings = request.app.state.settings
    with UnitOfWork(request.app.state.session_factory, source=settings.service_name,
                    topic_prefix=settings.topic_prefix) as uow:
        yield uow


UowDep = Annotated[UnitOfWork, Depends(get_uow)]
