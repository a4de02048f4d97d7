"""Request rate limits: per caller (the token's subject) and, for requests without a valid token,
per client address — so one runaway script or one stranger cannot take a service from everyone.

The `limits` library counts in a moving window, in the process's memory: each API process keeps
its own counts (with N processes behind a balancer a caller gets up to N times the limit; a shared
store such as Redis is the step up when that matters). Limits are `limits` strings, several
separated by `;` (e.g. `100/second;3000/minute`): a short one against bursts, a long one against
sustained load. An empty string turns a limit off (the load-test profile does, explicitly)."""

from __future__ import annotations

import math
import time

from limits import RateLimitItem, parse_many
from limits.storage import MemoryStorage
from limits.strategies import MovingWindowRateLimiter
from prometheus_client import Counter

from .errors import TooManyRequestsError

LIMITED = Counter("rtw_rate_limited_total", "Requests refused with 429", ["who"])


class RateLimits:
    def __init__(self, *, per_caller: str, per_address: str):
        self._limiter = MovingWindowRateLimiter(MemoryStorage())
        self._per_caller = _parse(per_caller)
        self._per_address = _parse(per_address)

    def check_caller(self, subject: str) -> None:
        """Count one request of the caller `subject`; 429 when over a limit."""
        self._check(self._per_caller, "caller", subject)

    def check_address(self, address: str) -> None:
        """Count one request without a valid token from `address`; 429 when over a limit."""
        self._check(self._per_address, "address", address)

    def _check(self, items: list[RateLimitItem], who: str, key: str) -> None:
        for item in items:
            if not self._limiter.hit(item, who, key):
                LIMITED.labels(who).inc()
                reset = self._limiter.get_window_stats(item, who, key).reset_time
                wait = max(1, math.ceil(reset - time.time()))
                raise TooManyRequestsError(
                    f"more than {item} from this {who}; try again in {wait} s",
                    headers={"Retry-After": str(wait)},
                    retry_after_seconds=wait,
                )


def _parse(limits: str) -> list[RateLimitItem]:
    return parse_many(limits) if limits.strip() else []
