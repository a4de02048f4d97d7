"""When a failed webhook delivery is tried again: a fixed schedule of growing delays (about three
days in all, `NotifySettings.webhook_retry_seconds`) with jitter, so many receivers that failed
together are not all retried in the same second."""

from __future__ import annotations

import random
from datetime import datetime, timedelta

JITTER = 0.2  # each delay is stretched or shrunk by up to 20 %


def next_attempt_at(
    failed_attempts: int, schedule: tuple[float, ...], now: datetime, *, rng: random.Random | None = None
) -> datetime | None:
    """When to try again after `failed_attempts` failures (None: the schedule is used up, give up)."""
    if failed_attempts > len(schedule):
        return None
    delay = schedule[failed_attempts - 1]
    factor = 1 + JITTER * (2 * (rng or _rng).random() - 1)
    return now + timedelta(seconds=delay * factor)


def total_seconds(schedule: tuple[float, ...]) -> float:
    """How long a delivery is retried in all, before jitter."""
    return float(sum(schedule))


_rng = random.SystemRandom()
