"""The calendar dates of a graduated schedule's weeks: week n begins 7 * (n - 1) days after the
schedule's start and ends six days later. Pure: no I/O."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import date, timedelta
from typing import Any


def week_dates(start: date, week: int) -> tuple[date, date]:
    """The first and last day of week `week` of a schedule starting on `start`."""
    first = start + timedelta(days=7 * (week - 1))
    return first, first + timedelta(days=6)


def as_date(value: object) -> date | None:
    """A date from a date or its ISO text (JSON), None from anything else."""
    if isinstance(value, date):
        return value
    if isinstance(value, str) and value:
        return date.fromisoformat(value)
    return None


def start_of(weeks: Iterable[Mapping[str, Any]], known: date | None = None) -> date | None:
    """When week 1 begins: `known` when given, otherwise what the first dated week says (None: no date)."""
    if known is not None:
        return known
    for week in weeks:
        first = as_date(week.get("starts_on"))
        if first is not None:
            return first - timedelta(days=7 * (int(week["week"]) - 1))
    return None


def dated(weeks: Iterable[Mapping[str, Any]], start: date | None, *, redate: bool = False) -> list[dict[str, Any]]:
    """The weeks (as JSON) with their first and last day from `start`: a week that has them keeps
    them unless `redate`; with no `start`, the weeks as they are."""
    result = []
    for week in weeks:
        row = dict(week)
        if start is not None and (redate or not row.get("starts_on")):
            first, last = week_dates(start, int(row["week"]))
            row.update(starts_on=first.isoformat(), ends_on=last.isoformat())
        result.append(row)
    return result
