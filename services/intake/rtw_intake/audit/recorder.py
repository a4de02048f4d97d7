"""Every request to a case endpoint is written to the audit log (product.md: "every read and write
of a case … who, role, org, what, when, outcome") — including the refused ones (401, 403, 404, 422).

A plain ASGI middleware: it sees the response status as the response starts, writes the row off the
event loop in its own short transaction (the request's own may have rolled back), and only then lets
the response go out. A failed audit write never changes the response; it is logged as an error."""

from __future__ import annotations

import re
import uuid
from datetime import UTC, datetime
from typing import Any

import structlog
from prometheus_client import Counter
from starlette.concurrency import run_in_threadpool
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from rtw_shared.auth import Principal
from rtw_shared.db import make_engine

from . import service

AUDITED_PREFIX = "/v1/cases"
# Writes take turns on one advisory lock, so a few connections are plenty.
AUDIT_POOL_SIZE = 2
_CREATED_CASE = re.compile(r"^/v1/cases/([0-9a-fA-F-]{36})$")
log = structlog.get_logger("rtw.audit")
WRITE_FAILURES = Counter("rtw_audit_write_failures_total", "Requests that could not be written to the audit log")


def is_audited(path: str) -> bool:
    """Whether requests to `path` go to the audit log: the case endpoints (and nothing else, not /v1/audit)."""
    return path == AUDITED_PREFIX or path.startswith(AUDITED_PREFIX + "/")


def outcome_for(status: int) -> str:
    """The audit outcome of an HTTP status."""
    if status < 400:
        return "allowed"
    if status in (401, 403):
        return "denied"
    if status == 404:
        return "not_found"
    return "rejected" if status < 500 else "error"


class AuditRecorder:
    """ASGI middleware writing one audit row per case request, before its response is sent."""

    def __init__(self, app: ASGIApp, *, database_url: str):
        self.app = app
        # A pool of its own: a request still holds its session's connection while its audit row is
        # written, so taking audit connections from the same pool could starve it under load.
        self.engine = make_engine(database_url, pool_size=AUDIT_POOL_SIZE)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "lifespan":
            try:
                await self.app(scope, receive, send)
            finally:
                self.engine.dispose()
        elif scope["type"] == "http" and is_audited(scope["path"]):
            await self._audited(scope, receive, send)
        else:
            await self.app(scope, receive, send)

    async def _audited(self, scope: Scope, receive: Receive, send: Send) -> None:
        recorded = False

        async def send_once_recorded(message: Message) -> None:
            nonlocal recorded
            if message["type"] == "http.response.start" and not recorded:
                recorded = True
                await self._record(scope, message["status"], message.get("headers", []))
            await send(message)

        try:
            await self.app(scope, receive, send_once_recorded)
        except Exception:
            if not recorded:  # an unhandled error: the outermost middleware answers 500 after this
                await self._record(scope, 500, [])
            raise

    async def _record(self, scope: Scope, status: int, headers: list[tuple[bytes, bytes]]) -> None:
        try:
            content = entry_content(scope, status, headers)
            await run_in_threadpool(service.record, engine=self.engine, content=content)
        except Exception:
            WRITE_FAILURES.inc()
            # The access log line of the same request carries this correlation id.
            correlation_id = dict(headers).get(b"x-correlation-id", b"").decode("latin-1") or None
            log.exception("audit write failed: this request is NOT in the audit log", method=scope["method"],
                          path=scope["path"], status=status, correlation_id=correlation_id)


def entry_content(scope: Scope, status: int, headers: list[tuple[bytes, bytes]]) -> dict[str, Any]:
    """The audit row (without id and hashes) for a request that got `status`."""
    # current_principal leaves the validated caller here; absent when authentication failed.
    return {
        "at": datetime.now(UTC),
        **_who(scope.get("state", {}).get("principal")),
        "action": _fit(getattr(scope.get("route"), "name", None) or "unmatched", 100),
        "method": _fit(scope["method"], 16),
        "path": _fit(scope["path"], 2000),
        "resource_type": "case",
        "resource_id": _case_id(scope, headers),
        "outcome": outcome_for(status),
        "status_code": status,
    }


def _who(principal: Principal | None) -> dict[str, str | None]:
    if principal is None:
        return {"subject": None, "username": None, "role": None, "org_id": None}
    return {"subject": _fit(principal.subject, 64), "username": _fit(principal.username, 255),
            "role": _fit(principal.role, 32) or None, "org_id": _fit(principal.org_id, 64)}


def _case_id(scope: Scope, headers: list[tuple[bytes, bytes]]) -> str | None:
    """The case in the path, or the one a create just made (its Location)."""
    raw = scope.get("path_params", {}).get("case_id")
    if raw is None:
        location = dict(headers).get(b"location", b"").decode("latin-1")
        match = _CREATED_CASE.match(location)
        raw = match.group(1) if match else None
    if raw is None:
        return None
    try:
        return str(uuid.UUID(str(raw)))
    except ValueError:
        return _fit(str(raw), 64)  # not a case id, but what was asked for is worth keeping


def _fit(value: str, length: int) -> str:
    # PostgreSQL text cannot hold NUL; an over-long value must not cost the row.
    return value.replace("\x00", "\ufffd")[:length]
