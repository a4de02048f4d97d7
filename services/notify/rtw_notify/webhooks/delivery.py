"""One HTTP attempt at a receiver, with httpx: the destination checked again right before (DNS can
change after registration), no redirects followed, a timeout per attempt, and at most
`max_bytes` of the answer read (a receiver cannot make notify read a gigabyte)."""

from __future__ import annotations

import time
from dataclasses import dataclass

import httpx

from . import safety

USER_AGENT = "RTW-Webhooks/1.0"


@dataclass(frozen=True)
class Outcome:
    status_code: int | None  # None: no answer (refused address, connection error, timeout)
    latency_ms: float
    error: str | None = None

    @property
    def ok(self) -> bool:
        return self.status_code is not None and 200 <= self.status_code < 300


def make_client(timeout_seconds: float) -> httpx.Client:
    """The client every attempt uses: no redirects, no proxies from the environment."""
    return httpx.Client(
        timeout=httpx.Timeout(timeout_seconds),
        follow_redirects=False,
        trust_env=False,
        headers={"user-agent": USER_AGENT},
    )


def post(
    client: httpx.Client,
    url: str,
    body: bytes,
    headers: dict[str, str],
    *,
    rules: safety.Rules,
    timeout_seconds: float,
    max_bytes: int,
) -> Outcome:
    """POST `body` to `url` once; the outcome says what happened (never raises for the receiver's faults)."""
    started = time.perf_counter()
    try:
        safety.check_destination(url, rules)
        sent = {**headers, "content-type": "application/json"}
        with client.stream("POST", url, content=body, headers=sent) as answer:
            error = _read_capped(answer, max_bytes, started + timeout_seconds)
            status = answer.status_code
    except safety.UnsafeUrlError as refused:
        return Outcome(None, _ms(started), f"refused: {refused}")
    except httpx.HTTPError as failed:
        return Outcome(None, _ms(started), f"{type(failed).__name__}: {failed}"[:2000])
    if error is None and not 200 <= status < 300:
        error = f"the receiver answered {status}"
    return Outcome(status, _ms(started), error)


def _read_capped(answer: httpx.Response, max_bytes: int, deadline: float) -> str | None:
    """Read (and discard) the answer up to `max_bytes` or the attempt's deadline; why it stopped early."""
    read = 0
    for chunk in answer.iter_raw():
        read += len(chunk)
        if read > max_bytes:
            return f"answer longer than {max_bytes} bytes: the rest was not read"
        if time.perf_counter() > deadline:
            return "answer still arriving at the attempt's timeout: the rest was not read"
    return None


def _ms(started: float) -> float:
    return round((time.perf_counter() - started) * 1000, 1)
