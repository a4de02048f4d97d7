"""When reminders fire (pure: no I/O). A reminder about a date fires at 08:00 UTC on its day, so
people see it at the start of their working day in Europe and overnight in the Americas."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from datetime import UTC, date, datetime, time

from rtw_shared.clock import add_business_days
from rtw_shared.events import Restriction

REMIND_AT = time(8, 0, tzinfo=UTC)
BUSINESS_DAYS_AHEAD = 2  # "due in 2 business days" and "review date approaching"


def at_reminder_time(day: date) -> datetime:
    """The moment a reminder about `day` fires on that day."""
    return datetime.combine(day, REMIND_AT)


def ahead_of(day: date) -> datetime:
    """The moment a reminder fires two business days before `day`."""
    return at_reminder_time(add_business_days(day, -BUSINESS_DAYS_AHEAD))


def reviews_by_date(restrictions: Iterable[Restriction]) -> dict[date, list[str]]:
    """The restrictions' demands grouped by review date (those without one are left out), dates in order."""
    grouped: dict[date, list[str]] = defaultdict(list)
    for restriction in restrictions:
        if restriction.review_date is not None:
            grouped[restriction.review_date].append(restriction.demand)
    return {day: sorted(set(demands)) for day, demands in sorted(grouped.items())}
