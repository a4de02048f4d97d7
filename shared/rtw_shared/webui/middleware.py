"""What every response of a web UI gets on its way out: the security headers of a page with worker data on
it, and — when the request was made by a signed-in person — its audit row.

The shared audit middleware writes a row for every authenticated `/v1/` request, its caller known before
the endpoint runs (the gate validated the bearer token). A page learns its caller from the session cookie
in its dependency, so this middleware opens the request's audit note (the access decision notes the cases
into it) and writes the row as the response starts, if by then the request has a principal: the same row,
through the same writer, as the API's."""

from __future__ import annotations

import asyncio

import structlog
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from .. import audit_context
from ..audit.middleware import entry_content

log = structlog.get_logger("rtw.audit")


def security_headers(form_targets: str) -> list[tuple[bytes, bytes]]:
    """The headers of every page; `form_targets`: where forms may post or redirect to besides the page's own
    origin (Keycloak, for sign-out). No inline script or style is allowed anywhere."""
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


class WebUIMiddleware:
    """Security headers and the audit row for the requests under one UI's mount (plain ASGI)."""

    def __init__(self, app: ASGIApp, *, mount: str, form_targets: str):
        self.app = app
        self.mount = mount
        self.headers = security_headers(form_targets)

    def _mine(self, path: str) -> bool:
        return path == self.mount or path.startswith(self.mount + "/")

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or not self._mine(scope["path"]):
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
            log.exception("audit write failed: this page request is NOT in the audit log", path=scope["path"])
