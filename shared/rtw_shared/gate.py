"""The gate every API request passes before any endpoint code runs, in this order:

1. a correlation id that is safe to log and to carry into events (a client's own only when it
   matches a short, plain pattern; otherwise a new one);
2. for the public API (`/v1/…`, `/fhir/…` but its public CapabilityStatement: rtw_shared.api_paths): a
   valid bearer token — checked before the body is read, so a stranger cannot make
   the service parse anything; refused requests are counted (metric) and logged at most once per
   interval, never written to the audit log; then the rate limits (rtw_shared.ratelimit): per
   token subject, or per client address when the token is missing or invalid (429, Retry-After);
3. a request body no larger than the cap (413 from Content-Length alone, or as soon as a streamed
   body passes it), and JSON (or a body without a content type, which FastAPI reads as JSON)
   nested no deeper than MAX_JSON_DEPTH — counted before any parser recurses through it — and
   without duplicate keys (422: "last one wins" hides mistakes);
4. on the way out: `Cache-Control: no-store` and `X-Content-Type-Options: nosniff`, since answers
   carry case data.

Plain ASGI (no BaseHTTPMiddleware): nothing is copied or re-wrapped on the request path."""

from __future__ import annotations

import json
import re
import threading
import time
from itertools import accumulate

import structlog
from prometheus_client import Counter
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from . import context
from .api_paths import is_protected
from .errors import PayloadTooLargeError, ProblemError, UnprocessableError, problem
from .ratelimit import RateLimits

log = structlog.get_logger("rtw.gate")
CORRELATION_HEADER = b"x-correlation-id"
SAFE_CORRELATION_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._:-]{0,63}$")
BODY_METHODS = frozenset({"POST", "PUT", "PATCH"})
UNAUTHENTICATED = Counter(
    "rtw_unauthenticated_requests_total", "API requests refused before authentication", ["reason"]
)
SECURITY_HEADERS = [(b"cache-control", b"no-store"), (b"x-content-type-options", b"nosniff")]
# Arrays and objects nested deeper than this are refused before any parser sees them: Python's
# parser recurses once per level and a 20 KB body can exhaust the stack (a 500, or a lost connection).
MAX_JSON_DEPTH = 64
# A JSON string (escapes included), so brackets inside strings are not counted; every byte but brackets.
_JSON_STRING = re.compile(rb'"[^"\\]*(?:\\.[^"\\]*)*"', re.DOTALL)
_NOT_BRACKETS = bytes(b for b in range(256) if b not in b"[]{}")


class DuplicateKeyError(ValueError):
    pass


def _refuse_duplicates(pairs: list[tuple[str, object]]) -> dict[str, object]:
    obj = dict(pairs)
    if len(obj) != len(pairs):  # a key repeated (the common case, none, costs one comparison)
        keys = [key for key, _ in pairs]
        duplicates = sorted({key for key in keys if keys.count(key) > 1})
        raise DuplicateKeyError(f"duplicate key(s) in a JSON object: {', '.join(duplicates)}")
    return obj


def json_depth(body: bytes) -> int:
    """How deeply `body`'s arrays and objects nest, counted without parsing (linear, no recursion)."""
    brackets = _JSON_STRING.sub(b"", body).translate(None, _NOT_BRACKETS)
    return max(accumulate(1 if b in b"[{" else -1 for b in brackets), default=0)


def may_nest_deeper_than(body: bytes, depth: int) -> bool:
    """Whether `body` could nest deeper than `depth` at all: it opens more brackets than that (a
    count in C, for the usual small body; json_depth does the exact, slower count)."""
    return body.count(b"[") + body.count(b"{") > depth


def duplicate_key_problem(body: bytes) -> str | None:
    """Why `body` is refused for repeating a key, or None (invalid JSON is left to the endpoint's parser)."""
    try:
        json.loads(body, object_pairs_hook=_refuse_duplicates)
    except DuplicateKeyError as error:
        return str(error)
    except ValueError:
        return None
    return None


class RateLimitedLog:
    """One log line per `interval` seconds at most, saying how many were refused since the last."""

    def __init__(self, interval: float = 10.0):
        self.interval, self._last, self._since, self._lock = interval, 0.0, 0, threading.Lock()

    def refused(self, reason: str, path: str) -> None:
        with self._lock:
            self._since += 1
            now = time.monotonic()
            if now - self._last < self.interval:
                return
            count, self._since, self._last = self._since, 0, now
        log.warning("unauthenticated requests refused", count=count, last_reason=reason, last_path=path)


class Gate:
    def __init__(self, app: ASGIApp, *, max_body_bytes: int, rate_limits: RateLimits):
        self.app = app
        self.max_body_bytes = max_body_bytes
        self.rate_limits = rate_limits
        self.refusals = RateLimitedLog()

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        headers = dict(scope["headers"])
        correlation_id = _correlation_id(headers.get(CORRELATION_HEADER))
        scope.setdefault("state", {})["correlation_id"] = correlation_id
        send = _with_response_headers(send, correlation_id)
        try:
            if is_protected(scope["path"]):
                self._authenticate(scope, headers)
                receive = await self._checked_body(scope, headers, receive)
        except ProblemError as error:
            await problem(
                error.status, error.title, error.detail, instance=scope["path"], headers=error.headers, **error.extra
            )(scope, receive, send)
            return
        await self.app(scope, receive, send)

    def _authenticate(self, scope: Scope, headers: dict[bytes, bytes]) -> None:
        from .auth import bearer_token  # auth imports the errors this module shares; import late

        try:
            token = bearer_token(headers.get(b"authorization"))
            principal = scope["app"].state.token_validator.validate(token)
        except ProblemError as error:
            if error.status == 401:
                self.rate_limits.check_address(_client_address(scope))  # a flood of bad tokens: 429
                UNAUTHENTICATED.labels(error.extra.get("reason", "invalid")).inc()
                self.refusals.refused(error.detail, scope["path"])
            raise
        self.rate_limits.check_caller(principal.subject)
        scope["state"]["principal"] = principal

    async def _checked_body(self, scope: Scope, headers: dict[bytes, bytes], receive: Receive) -> Receive:
        if scope["method"] not in BODY_METHODS:
            return receive
        declared = headers.get(b"content-length")
        if declared is not None and declared.isdigit() and int(declared) > self.max_body_bytes:
            raise _too_large(self.max_body_bytes)
        body = await self._read_body(receive)
        if body and _parsed_as_json(headers.get(b"content-type")):
            _check_json(body)
        return _replay(body, receive)

    async def _read_body(self, receive: Receive) -> bytes:
        chunks, size = [], 0
        while True:
            message = await receive()
            if message["type"] == "http.disconnect":
                break
            chunk = message.get("body", b"")
            size += len(chunk)
            if size > self.max_body_bytes:
                raise _too_large(self.max_body_bytes)
            chunks.append(chunk)
            if not message.get("more_body", False):
                break
        return b"".join(chunks)


def _parsed_as_json(content_type: bytes | None) -> bool:
    """Whether the endpoint will parse the body as JSON: a JSON media type, or none at all (FastAPI
    reads a body without a content type as JSON)."""
    if content_type is None:
        return True
    media_type = content_type.split(b";")[0].strip().lower()
    return media_type.startswith(b"application/") and (
        media_type == b"application/json" or media_type.endswith(b"+json")
    )


def _check_json(body: bytes) -> None:
    """422 for JSON nested too deeply (checked first: the duplicate-key check parses it), or repeating a key."""
    if may_nest_deeper_than(body, MAX_JSON_DEPTH) and json_depth(body) > MAX_JSON_DEPTH:
        too_deep = f"the JSON body is nested deeper than {MAX_JSON_DEPTH} levels; send a flatter one"
        raise UnprocessableError(too_deep, errors=[{"field": "body", "message": too_deep, "type": "too_deep"}])
    duplicated = duplicate_key_problem(body)
    if duplicated:
        raise UnprocessableError(duplicated, errors=[{"field": "body", "message": duplicated, "type": "duplicate_key"}])


def _client_address(scope: Scope) -> str:
    client = scope.get("client")
    return client[0] if client else "unknown"


def _too_large(limit: int) -> ProblemError:
    return PayloadTooLargeError(f"the request body is larger than the limit of {limit} bytes; send less")


def _correlation_id(offered: bytes | None) -> str:
    value = offered.decode("latin-1") if offered else None
    return context.bind_correlation_id(value if value and SAFE_CORRELATION_ID.match(value) else None)


def _replay(body: bytes, original: Receive) -> Receive:
    """The body already read, then whatever the client sends next (its disconnect)."""
    sent = False

    async def receive() -> Message:
        nonlocal sent
        if not sent:
            sent = True
            return {"type": "http.request", "body": body, "more_body": False}
        return await original()

    return receive


def _with_response_headers(send: Send, correlation_id: str) -> Send:
    async def send_with_headers(message: Message) -> None:
        if message["type"] == "http.response.start":
            present = {name.lower() for name, _ in message.get("headers", [])}
            extra = [(name, value) for name, value in SECURITY_HEADERS if name not in present]
            message["headers"] = [*message.get("headers", []), *extra, (CORRELATION_HEADER, correlation_id.encode())]
        await send(message)

    return send_with_headers
