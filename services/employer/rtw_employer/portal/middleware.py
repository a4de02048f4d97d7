"""What every portal response gets on its way out: the security headers of a page with worker data
on it, and — when the request was made by a signed-in person — its audit row.

The shared audit middleware writes a row for every authenticated `/v1/` request, its caller known
before the endpoint runs (the gate validated the bearer token). A portal page learns its caller
from the session cookie in its dependency, so this middleware opens the request's audit note (the
access decision notes the cases into it) and writes the row as the response starts, if by then
the request has a principal: the same row, through the same writer, as the API's."""

from __future__ import annotations

import asyncio

import structlog
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from rtw_shared import audit_context
from rtw_shared.audit.middleware import entry_content

log = structlog.get_logger("rtw.audit")
PORTAL_PREFIX = "/portal"


def security_headers(form_targets: str) -> list[tuple[bytes, bytes]]:
    """The headers of every portal response; `form_targets`: where forms may post or redirect to
    (the portal itself, and Keycloak for sign-out)."""
    policy = (
        "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; connect-src 'self'; "
        f"form-action 'self' {form_targets}; frame-ancestors 'none'; base-uri 'none'"
    )
    return [
        (b"content-security-policy", policy.encode()),
        (b"x-frame-options", b"DENY"),
        (b"referrer-policy", b"no-referrer"),
        (b"permissions-policy", b"camera=(), microphone=(), geolocation=()"),
        (b"cross-origin-opener-policy", b"same-origin"),
        (b"cache-control", b"no-store"),
    ]


class PortalMiddleware:
    """Security headers and the audit row for `/portal` requests (plain ASGI)."""

    def __init__(self, app: ASGIApp, *, form_targets: str):
        self.app = app
        self.headers = security_headers(form_targets)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or not scope["path"].startswith(PORTAL_PREFIX):
            await self.app(scope, receive, send)
            return
        note = audit_context.open_note()
        started = False

        async def send_with_headers(message: Message) -> None:
            nonlocal started
            if message["type"] == "http.response.start" and not started:
                started = True
                present = {name.lower() for name, _ in message.get("headers", [])}
                message["headers"] = [*message.get("headers", []), *(h for h in self.headers if h[0] not in present)]
                await self._record(scope, note, message["status"])
            await send(message)

        try:
            await self.app(scope, receive, send_with_headers)
        except Exception:
            if not started:
                await self._record(scope, note, 500)
            raise

    async def _record(self, scope: Scope, note: audit_context.AuditNote, status: int) -> None:
        principal = scope.get("state", {}).get("principal")
        if principal is None:
            return  # nobody signed in: nothing a person did to record (sign-in pages, static files)
        try:
            await asyncio.wrap_future(
                scope["app"].state.audit_writer.write(entry_content(scope, principal, note, status))
            )
        except Exception:
            log.exception("audit write failed: this portal request is NOT in the audit log", path=scope["path"])
