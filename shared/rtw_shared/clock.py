"""What time it is, for anything that acts on dates (durable timers, due dates, schedule weeks).

Production reads the system clock. Development and tests can move a *running* process's time
forward without a restart: with `RTW_CLOCK_OFFSET_FILE` set, the clock is the system time plus
the number of seconds written in that file (read at each call, so a test writes the file and
the worker's next tick sees the new time). Nothing sleeps for days in a test."""

from __future__ import annotations

import os
from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

Clock = Callable[[], datetime]

OFFSET_FILE_ENV = "RTW_CLOCK_OFFSET_FILE"


def system_clock() -> datetime:
    return datetime.now(UTC)


def offset_clock(path: Path) -> Clock:
    """System time plus the seconds written in `path` (0 when the file is missing or empty)."""

    def now() -> datetime:
        try:
            seconds = float(path.read_text().strip() or 0)
        except (FileNotFoundError, ValueError):
            seconds = 0.0
        return datetime.now(UTC) + timedelta(seconds=seconds)

    return now


def process_clock() -> Clock:
    """The clock this process should use: the offset clock when the environment asks for one."""
    path = os.environ.get(OFFSET_FILE_ENV)
    return offset_clock(Path(path)) if path else system_clock


def set_offset(path: Path, offset: timedelta) -> None:
    """Move every process reading `path` to system time + `offset` (tests and the dev stack)."""
    path.write_text(str(offset.total_seconds()))


def today(clock: Clock) -> date:
    return clock().date()


def add_business_days(day: date, days: int) -> date:
    """`day` moved by `days` working days (Monday to Friday; public holidays are not modelled)."""
    step = 1 if days >= 0 else -1
    remaining = abs(days)
    while remaining:
        day += timedelta(days=step)
        if day.weekday() < 5:
            remaining -= 1
    return day
