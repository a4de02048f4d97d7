"""What the portal says, in plain words, about a request: what every web UI says (restrictions, the Job
Accommodation Network categories, how soon an answer is due, each week's dates, the schedule chart:
rtw_shared.webui.wording, re-exported here for the templates' `words`) and what became of a request.
Dates always carry their year. Pure functions: no I/O, tested on their own."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any

from rtw_shared.webui.wording import (
    CHART_BOTTOM,
    CHART_HEIGHT,
    CHART_TOP,
    CHART_WIDTH,
    DEMANDS,
    DUTIES,
    EN_DASH,
    FREQUENCIES,
    JAN_CATEGORIES,
    LIFTING,
    Bar,
    Due,
    category_explained,
    category_name,
    due_in_words,
    long_date,
    restriction_in_words,
    schedule_bars,
    sentence,
    short_date,
    week_dates,
    week_in_words,
    week_label,
)

__all__ = [
    "CHART_BOTTOM",
    "CHART_HEIGHT",
    "CHART_TOP",
    "CHART_WIDTH",
    "DEMANDS",
    "DUTIES",
    "EN_DASH",
    "FREQUENCIES",
    "JAN_CATEGORIES",
    "LIFTING",
    "Bar",
    "Due",
    "category_explained",
    "category_name",
    "due_in_words",
    "long_date",
    "outcome_in_words",
    "restriction_in_words",
    "schedule_bars",
    "sentence",
    "short_date",
    "week_dates",
    "week_in_words",
    "week_label",
]


def outcome_in_words(item: Mapping[str, Any]) -> str:
    """What became of a request, in one line (`Withdrawn: plan version 2 replaced it`)."""
    status, who = item.get("status"), item.get("decided_by_username")
    decided_at = item.get("decided_at")
    on = f" on {short_date(decided_at.date())}" if isinstance(decided_at, datetime) else ""
    agreed = item.get("agreed")
    if status == "confirmed" and agreed:
        words = f"Countered by {who}{on}; the therapist accepted the counter-proposal"
        version = agreed.get("plan_version")
        return words + (f", in force from plan version {version}" if version else ", and a revised plan follows")
    if status in ("confirmed", "declined"):
        return f"{str(status).capitalize()} by {who}{on}"
    if status == "countered":
        return f"Countered by {who}{on}; waiting for the therapist to accept it or revise the plan"
    if status == "expired":
        return f"Expired: not answered by {long_date(item['due_date'])}"
    if status == "withdrawn":
        return f"Withdrawn: {item.get('withdrawn_reason') or 'it can no longer be answered'}"
    return f"Waiting for your answer, by {long_date(item['due_date'])}"
