"""The workspace's client of the other services' public APIs (intake, employer, notify).

Every read and write of another service's data goes through its `/v1` API with the signed-in therapist's
own access token: the same consent decision, audit row and If-Match as any other client, and no private
coupling between services. One httpx client per app (its connection pool) and a few threads to make a
page's independent calls at once (`Apis.together`); a page declares `apis: ApisDep`.

A service that answers with a problem raises `ApiError`, a ProblemError, so the page shows its status and
its words (a case of another clinic is 404, exactly as the API says); a service that does not answer, or
fails (5xx), raises `ApiError` 502 naming the service: a clear page, never a 500."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Annotated, Any

import httpx
import structlog
from fastapi import Depends, FastAPI, Request

from rtw_shared.errors import ProblemError
from rtw_shared.webui.pages import RoleSession

from ..settings import WorkplanSettings
from .wording import field_words

log = structlog.get_logger("rtw.workspace")
SERVICES = ("intake", "employer", "notify")
CONCURRENT_CALLS = 8  # threads for a page's independent calls (the caseload makes four at once)
Params = Mapping[str, str | int | bool | None]


class ApiError(ProblemError):
    """A service refused or failed a call: its status, title, words and the fields it named (422)."""

    def __init__(
        self, service: str, status: int, title: str, detail: str, problem: dict[str, Any] | None = None
    ) -> None:
        super().__init__(detail)
        self.service, self.problem = service, problem or {}
        self.status, self.title = status, title

    @property
    def errors(self) -> list[dict[str, Any]]:
        """The fields a 422 named: `[{"field": "worker.date_of_birth", "message": …}]`."""
        found = self.problem.get("errors")
        return [e for e in found if isinstance(e, dict)] if isinstance(found, list) else []

    def sentences(self) -> list[str]:
        """What the service said is wrong, one sentence per field in the page's words (its detail otherwise)."""
        if not self.errors:
            return [self.detail]
        return [f"{field_words(str(e.get('field', '')))}: {_plain(str(e.get('message', '')))}" for e in self.errors]


@dataclass(frozen=True)
class Answer:
    """A service's answer: its status, JSON body and ETag (`version`: the ETag without its quotes)."""

    status: int
    body: Any
    etag: str | None = None
    error: ApiError | None = field(default=None, compare=False)

    @property
    def ok(self) -> bool:
        return self.error is None

    @property
    def version(self) -> str:
        return (self.etag or "").strip('"')


class ServiceApi:
    """One service's API, called as the signed-in person."""

    def __init__(self, name: str, base_url: str, http: httpx.Client, token: str, correlation_id: str | None):
        self.name, self.base_url, self.http = name, base_url.rstrip("/"), http
        self.headers = {"Authorization": f"Bearer {token}", "Accept": "application/json"}
        if correlation_id:
            self.headers["X-Correlation-ID"] = correlation_id  # one id across the page and its calls

    def get(self, path: str, params: Params | None = None) -> Answer:
        """GET `path` (query parameters left out when None)."""
        query = {k: _text(v) for k, v in (params or {}).items() if v is not None}
        return self._call("GET", path, params=query)

    def post(
        self, path: str, body: Any = None, *, if_match: str | None = None, idempotency_key: str | None = None
    ) -> Answer:
        """POST a JSON body (If-Match: a version the page showed; Idempotency-Key for a retry-safe create)."""
        headers = {"Idempotency-Key": idempotency_key} if idempotency_key else {}
        return self._call("POST", path, json=body, headers=headers | _if_match(if_match))

    def put(self, path: str, body: Any, *, if_match: str | None = None) -> Answer:
        """PUT a JSON body (If-Match: the version the page showed)."""
        return self._call("PUT", path, json=body, headers=_if_match(if_match))

    def _call(self, method: str, path: str, **kwargs: Any) -> Answer:
        headers = {**self.headers, **kwargs.pop("headers", {})}
        try:
            response = self.http.request(method, self.base_url + path, headers=headers, **kwargs)
        except httpx.HTTPError as error:
            log.warning("service did not answer", service=self.name, path=path, error=str(error))
            raise _unavailable(self.name) from error
        if response.status_code >= 500:
            log.warning("service failed", service=self.name, path=path, status=response.status_code)
            raise _unavailable(self.name)
        body = response.json() if response.content else None
        if response.status_code >= 400:
            problem = body if isinstance(body, dict) else {}
            raise ApiError(
                self.name,
                response.status_code,
                str(problem.get("title") or "Refused"),
                str(problem.get("detail") or f"{self.name} refused the request ({response.status_code})"),
                problem,
            )
        return Answer(response.status_code, body, response.headers.get("etag"))


class Apis:
    """The three services' APIs, as the signed-in person; independent calls made at once."""

    def __init__(self, apis: dict[str, ServiceApi], pool: ThreadPoolExecutor):
        self._apis, self._pool = apis, pool

    @property
    def intake(self) -> ServiceApi:
        return self._apis["intake"]

    @property
    def employer(self) -> ServiceApi:
        return self._apis["employer"]

    @property
    def notify(self) -> ServiceApi:
        return self._apis["notify"]

    def together(self, *calls: Callable[[], Answer]) -> list[Answer]:
        """Make the calls at once; their answers in order (the first failure, in that order, is raised)."""
        futures = [self._pool.submit(call) for call in calls]
        return [future.result() for future in futures]


def lenient(call: Callable[[], Answer]) -> Callable[[], Answer]:
    """A call whose failure does not fail the page (an inbox count, say): its answer then carries the error."""

    def run() -> Answer:
        try:
            return call()
        except ApiError as error:
            return Answer(error.status, None, None, error)

    return run


@dataclass
class Clients:
    """What the app keeps for the workspace's calls: the connection pool, the threads, the addresses."""

    http: httpx.Client
    pool: ThreadPoolExecutor
    urls: dict[str, str]


def start(app: FastAPI, settings: WorkplanSettings) -> None:
    """At start-up: one httpx client and a few threads for every page's calls."""
    urls = {name: getattr(settings, f"{name}_api_url") for name in SERVICES}
    limits = httpx.Limits(max_connections=4 * CONCURRENT_CALLS, max_keepalive_connections=2 * CONCURRENT_CALLS)
    http = httpx.Client(timeout=settings.api_timeout_seconds, limits=limits)
    pool = ThreadPoolExecutor(CONCURRENT_CALLS, thread_name_prefix="workspace-api")
    app.state.workspace_clients = Clients(http, pool, urls)


def stop(app: FastAPI) -> None:
    """At shutdown: close the connections and the threads."""
    clients: Clients | None = getattr(app.state, "workspace_clients", None)
    if clients is not None:
        clients.pool.shutdown(wait=False, cancel_futures=True)
        clients.http.close()


def apis(request: Request, signed: RoleSession) -> Apis:
    """The services' APIs as the signed-in therapist (a page's `apis: ApisDep`)."""
    clients: Clients = request.app.state.workspace_clients
    correlation = getattr(request.state, "correlation_id", None)
    return Apis(
        {
            name: ServiceApi(name, url, clients.http, signed.access_token, correlation)
            for name, url in clients.urls.items()
        },
        clients.pool,
    )


ApisDep = Annotated[Apis, Depends(apis)]


def _unavailable(service: str) -> ApiError:
    detail = f"The {service} service did not answer, or failed. Try again in a moment (reload to see what stands)."
    return ApiError(service, 502, "A service did not answer", detail)


def _plain(message: str) -> str:
    """A validator's own words without pydantic's prefix (`Value error, a worker is 14 to 100 years old`)."""
    return message.removeprefix("Value error, ")


def _if_match(version: str | None) -> dict[str, str]:
    return {"If-Match": f'"{version}"'} if version else {}


def _text(value: str | int | bool) -> str:
    return ("true" if value else "false") if isinstance(value, bool) else str(value)
