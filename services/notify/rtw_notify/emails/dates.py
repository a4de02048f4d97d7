"""Dates as emails and notifications say them: always with the year (`Fri 18 Dec 2026`), never
`18 dec` nor ISO text a person has to decode."""

from __future__ import annotations

from datetime import date, timedelta

EN_DASH = "\N{EN DASH}"


def day(value: date | str) -> str:
    """`Fri 18 Dec 2026`, from a date or its ISO text (as events and timers carry it)."""
    when = value if isinstance(value, date) else date.fromisoformat(value)
    return f"{when:%a} {when.day} {when:%b %Y}"


def week_span(starts_on: date | str, ends_on: date | str | None = None) -> str:
    """`Mon 7 Dec 2026 - Sun 13 Dec 2026` (an en dash; the last day: six days on, unless given)."""
    first = starts_on if isinstance(starts_on, date) else date.fromisoformat(starts_on)
    last = ends_on if ends_on is not None else first + timedelta(days=6)
    return f"{day(first)} {EN_DASH} {day(last)}"
