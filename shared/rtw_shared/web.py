"""The app factory every service uses: the gate (correlation id, authentication before the body,
body limits, security headers), the audit log of every authenticated API request, errors as
problem+json, unknown query parameters refused (rtw_shared.query_params), JSON access logs,
Prometheus metrics, `/healthz` and `/readyz`, the audit endpoints, `/docs` and `/redoc` that work
offline (rtw_shared.api_docs), and the database and token validator on `app.state`."""

from __future__ import annotations

import time
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager

import anyio.to_thread
import structlog
from fastapi import APIRouter, Depends, FastAPI, Request
from fastapi.responses import JSONResponse, Response
from fastapi.telemetry import TelemetryConfig
from prometheus_client import Counter, Histogram
from sqlalchemy import text
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from . import context, heap
from .api_docs import install_docs
from .audit.api import router as audit_router
from .audit.middleware import AuditMiddleware
from .audit.writer import AuditWriter
from .auth import TokenValidator
from .clock import Clock, process_clock
from .db import make_engine, make_session_factory
from .dependencies import UowDep, get_uow
from .errors import PROBLEM_RESPONSES, install_error_handlers
from .gate import Gate
from .logging import configure_logging
from .metrics import CONTENT_TYPE_LATEST, exposition
from .query_params import refuse_unknown_query_parameters
from .ratelimit import RateLimits
from .settings import ServiceSettings

__all__ = ["UowDep", "create_service_app", "get_uow"]

REQUESTS = Counter("rtw_http_requests_total", "HTTP requests", ["method", "route", "status"])
LATENCY = Histogram("rtw_http_request_seconds", "HTTP request latency", ["method", "route"])
QUIET_ROUTES = frozenset({"/healthz", "/readyz", "/metrics"})
AUDIT_POOL_SIZE = 2  # one writer thread; a spare for the pool's ping
# Metrics are Prometheus's (below), logs structlog's: FastAPI's OpenTelemetry hooks stay off, or every
# request asks whether a provider was configured and wraps each step in an operation (make bench).
NO_OPENTELEMETRY: TelemetryConfig = {"tracing": False, "metrics": False, "logs": False, "operation_spans": False}
log = structlog.get_logger("rtw.http")


def create_service_app(
    settings: ServiceSettings,
    *,
    title: str,
    routers: list[APIRouter],
    version: str = "1.0.0",
    description: str = "",
    on_startup: Callable[[FastAPI], None] | None = None,
    on_shutdown: Callable[[FastAPI], None] | None = None,
    clock: Clock | None = None,
) -> FastAPI:
    """The service's app; `clock`: the time its requests read (the process clock unless a test gives one)."""
    configure_logging(settings.service_name, level=settings.log_level, json=settings.log_json)

    rate_limits = RateLimits(per_caller=settings.rate_limit_per_caller, per_address=settings.rate_limit_per_address)

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        engine = make_engine(settings.database_url, pool_size=settings.db_pool_size)
        audit_engine = make_engine(settings.database_url, pool_size=AUDIT_POOL_SIZE)
        app.state.settings = settings
        app.state.clock = clock or process_clock()
        app.state.engine = engine
        app.state.session_factory = make_session_factory(engine)
        read_engine = make_engine(settings.database_url, pool_size=settings.db_pool_size, read_only=True)
        app.state.read_session_factory = make_session_factory(read_engine)
        app.state.audit_writer = AuditWriter(audit_engine)
        app.state.token_validator = TokenValidator(settings)
        app.state.token_validator.jwks.refresh(force=True)
        # Sync endpoints run on anyio's threads: no more at once than there are pooled connections.
        anyio.to_thread.current_default_thread_limiter().total_tokens = settings.db_pool_size
        rate_limit_engine = make_engine(settings.database_url, pool_size=1)
        rate_limits.share_through(rate_limit_engine)  # counted with every replica of the service
        app.state.rate_limits = rate_limits
        if on_startup:
            on_startup(app)
        heap.settle_after_start()
        yield
        if on_shutdown:
            on_shutdown(app)
        app.state.audit_writer.close()
        rate_limits.close()
        rate_limit_engine.dispose()
        audit_engine.dispose()
        read_engine.dispose()
        engine.dispose()

    app = FastAPI(
        title=title,
        version=version,
        description=description,
        lifespan=lifespan,
        responses=PROBLEM_RESPONSES,
        docs_url=None,  # install_docs: the pages load their files from the service, not a CDN
        redoc_url=None,
        telemetry=NO_OPENTELEMETRY,
    )
    install_error_handlers(app)
    install_docs(app)
    # Added innermost first: Observe(Gate(Audit(app))).
    app.add_middleware(AuditMiddleware)
    app.add_middleware(
        Gate,
        max_body_bytes=settings.max_body_bytes,
        rate_limits=rate_limits,
    )
    app.add_middleware(Observe)
    app.include_router(_operations_router())
    for router in [*routers, audit_router]:
        app.include_router(router, dependencies=[Depends(refuse_unknown_query_parameters)])
    return app


class Observe:
    """One access log line and the request metrics per request (plain ASGI)."""

    def __init__(self, app: ASGIApp):
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started, status = time.perf_counter(), 500

        async def send_observed(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
            await send(message)

        try:
            await self.app(scope, receive, send_observed)
        finally:
            self._observe(scope, status, time.perf_counter() - started)
            context.clear()

    @staticmethod
    def _observe(scope: Scope, status: int, elapsed: float) -> None:
        route = getattr(scope.get("route"), "path", "unmatched")
        REQUESTS.labels(scope["method"], route, status).inc()
        LATENCY.labels(scope["method"], route).observe(elapsed)
        if route not in QUIET_ROUTES:
            log.info("request", method=scope["method"], path=scope["path"], status=status, ms=round(elapsed * 1000, 1))


def _operations_router() -> APIRouter:
    router = APIRouter(tags=["operations"])

    @router.get("/healthz", include_in_schema=False)
    def healthz() -> dict[str, str]:
        return {"status": "ok"}

    @router.get("/readyz", include_in_schema=False)
    def readyz(request: Request) -> JSONResponse:
        checks = {"database": _database_ok(request), "signing_keys": _keys_ok(request)}
        ready = all(checks.values())
        return JSONResponse(
            {"status": "ready" if ready else "not ready", "checks": checks}, status_code=200 if ready else 503
        )

    @router.get("/metrics", include_in_schema=False)
    def metrics() -> Response:
        return Response(exposition(), media_type=CONTENT_TYPE_LATEST)

    return router


def _database_ok(request: Request) -> bool:
    try:
        with request.app.state.engine.connect() as conn:
            conn.execute(text("SELECT 1"))
        return True
    except Exception:
        return False


def _keys_ok(request: Request) -> bool:
    validator: TokenValidator = request.app.state.token_validator
    jwks = validator.jwks
    return jwks.loaded or jwks.refresh()
