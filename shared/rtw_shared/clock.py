"""What time it is: ONE clock per process, built once and passed down.

Everything that stamps or compares a time in one flow — request handlers through the Unit of Work
(`uow.now()`), event handlers, timers, the email and webhook senders — reads the clock its process
was given, never `datetime.now()` on its own, so a test that moves that clock moves all of it.

- A service process builds its clock once with `process_clock()`: the system clock in production;
  with `RTW_CLOCK_OFFSET_FILE` set (development and end-to-end tests), the system time plus the
  seconds written in that file, so a test moves a *running* process's time (each call looks whether
  the file changed, and reads it only then).
- In-process tests hand the app and the worker loops a clock they control
  (`rtw_shared.testing.ManualClock`), starting at the real time: no test pins "now" to a date.

Two readings stay on the wall clock on purpose, each said where it happens: the pruner's retention
(how long Kafka may redeliver does not move with a test clock) and a webhook's signature timestamp
(receivers check it against their own clocks)."""

from __future__ import annotations

import os
from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta
from functools import cache
from pathlib import Path

Clock = Callable[[], datetime]

OFFSET_FILE_ENV = "RTW_CLOCK_OFFSET_FILE"


def system_clock() -> datetime:
    """The wall clock, in UTC."""
    return datetime.now(UTC)


def offset_clock(path: Path) -> Clock:
    """System time plus the seconds written in `path` (0 when the file is missing or empty).

    Each call stats the file and reads it again only when it changed: a request asks the time a few
    times, and a stat is one system call where an open and a read were three and a decoding.
    `set_offset` replaces the file whole, so each change is a new inode and shows even within the
    file system's timestamp granularity."""
    read: tuple[object, float] = (None, 0.0)  # (the file's identity when read, its seconds)

    def now() -> datetime:
        nonlocal read
        identity = _identity(path)
        if identity != read[0]:
            read = (identity, _offset_seconds(path))
        return datetime.now(UTC) + timedelta(seconds=read[1])

    return now


def _identity(path: Path) -> tuple[int, int, int] | None:
    try:
        stat = os.stat(path)
    except FileNotFoundError:
        return None
    return stat.st_ino, stat.st_mtime_ns, stat.st_size


def _offset_seconds(path: Path) -> float:
    try:
        return float(path.read_text().strip() or 0)
    except (FileNotFoundError, ValueError):
        return 0.0


@cache
def process_clock() -> Clock:
    """This process's clock (the same object on every call): the offset clock when the environment
    names an offset file, else the system clock."""
    path = os.environ.get(OFFSET_FILE_ENV)
    return offset_clock(Path(path)) if path else system_clock


def set_offset(path: Path, offset: timedelta) -> None:
    """Move every process reading `path` to system time + `offset` (tests and the dev stack). Written
    beside it and renamed over it: a reader never sees half a number, and sees a new inode."""
    written = path.with_name(f".{path.name}.{os.getpid()}")
    written.write_text(str(offset.total_seconds()))
    os.replace(written, path)


def today(clock: Clock) -> date:
    """The date on `clock`, in UTC."""
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
