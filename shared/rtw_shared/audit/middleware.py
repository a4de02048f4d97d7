"""Every authenticated request to the API (`/v1/` and `/fhir/`: rtw_shared.api_paths) is written to the
audit log before its answer leaves (architecture: "every read and write of a case … who, role, org, what,
when, outcome") — the refused ones too (403, 404, 409, 412, 422). Unauthenticated requests never reach this middleware:
the gate answers them (rtw_shared.gate) and counts them instead, so a stranger cannot grow the log.

A plain ASGI middleware: it opens the request's audit note (the cases the access decision let
through), sees the status as the response starts, hands the row to the batching writer and waits
for it. A failed audit write is logged as an error and counted; it does not change the answer.

A request that commits a write carries its row in its own transaction instead: the note holds the
statements that append it as the route answers on success (its declared status), and the Unit of
Work's commit runs them with the rest (rtw_shared.uow), in the same round trip. The middleware then
writes nothing more, unless the answer turned out otherwise (an error after the commit): then that
answer gets its own row too."""

from __future__ import annotations

import asyncio
from typing import Any

import structlog
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from .. import audit_context
from ..api_paths import is_api, is_fhir
from ..auth import Principal
from ..db import Statement
from . import repository

log = structlog.get_logger("rtw.audit")


def outcome_for(status: int) -> str:
    """The audit outcome of an HTTP status."""
    if status < 400:
        return "allowed"
    if status in (401, 403):
        return "denied"
    if status == 404:
        return "not_found"
    return "rejected" if status < 500 else "error"


class AuditMiddleware:
    """Writes one audit row per authenticated API request (the writer is `app.state.audit_writer`)."""

    def __init__(self, app: ASGIApp):
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        principal = scope.get("state", {}).get("principal") if scope["type"] == "http" else None
        if principal is None or not is_api(scope["path"]):
            await self.app(scope, receive, send)
            return
        note = audit_context.open_note()
        note.row_statements = lambda: _statements_on_success(scope, principal, note)
        recorded = False

        async def send_once_recorded(message: Message) -> None:
            nonlocal recorded
            if message["type"] == "http.response.start" and not recorded:
                recorded = True
                if note.written_with != message["status"]:
                    await self._record(scope, principal, note, message["status"])
            await send(message)

        try:
            await self.app(scope, receive, send_once_recorded)
        except Exception:
            if not recorded:  # an unhandled error: the outermost middleware answers 500 after this
                await self._record(scope, principal, note, 500)
            raise

    async def _record(self, scope: Scope, principal: Principal, note: audit_context.AuditNote, status: int) -> None:
        content = entry_content(scope, principal, note, status)
        try:
            await asyncio.wrap_future(scope["app"].state.audit_writer.write(content))
        except Exception:
            log.exception(
                "audit write failed: this request is NOT in the audit log",
                method=scope["method"],
                path=scope["path"],
                status=status,
            )


def _statements_on_success(
    scope: Scope, principal: Principal, note: audit_context.AuditNote
) -> tuple[list[Statement], int]:
    """What appends the request's row as answered with its route's declared status (FastAPI's 200 when
    it declares none), for the transaction the request commits; and that status."""
    status = getattr(scope.get("route"), "status_code", None) or 200
    return repository.append_statements([entry_content(scope, principal, note, status)]), status


def entry_content(scope: Scope, principal: Principal, note: audit_context.AuditNote, status: int) -> dict[str, Any]:
    """The audit row (without id and hashes) of a request that got `status`."""
    resource_type, resource_id = _resource(scope)
    return {
        "at": scope["app"].state.clock(),
        "subject": _fit(principal.subject, 64),
        "username": _fit(principal.username, 255),
        "role": _fit(principal.role, 32) or None,
        "org_id": _fit(principal.org_id, 64),
        "action": _fit(getattr(scope.get("route"), "name", None) or "unmatched", 100),
        "method": _fit(scope["method"], 16),
        "path": _fit(scope["path"], 2000),
        "resource_type": resource_type,
        "resource_id": resource_id,
        "outcome": outcome_for(status),
        "status_code": status,
        "case_ids": list(note.case_ids) or None,
        "correlation_id": scope.get("state", {}).get("correlation_id"),
    }


def _resource(scope: Scope) -> tuple[str, str | None]:
    """The kind and id of what the path names (`/v1/plans/{plan_id}` → plan, its id; `/fhir/R4/Goal/{id}` →
    Goal, its id)."""
    parts = [p for p in scope["path"].split("/") if p]
    if is_fhir(scope["path"]):
        named = parts[3] if len(parts) > 3 and not parts[3].startswith("$") else None
        return _fit(parts[2] if len(parts) > 2 else "fhir", 32), _fit(named, 64) if named else None
    params = scope.get("path_params") or {}
    for name, value in params.items():
        if name.endswith("_id"):
            return _fit(name.removesuffix("_id"), 32), _fit(str(value), 64)
    return _fit(parts[1] if len(parts) > 1 else "api", 32), None


def _fit(value: str, length: int) -> str:
    # PostgreSQL text cannot hold NUL; an over-long value must not cost the row.
    return value.replace("\x00", "\ufffd")[:length]
