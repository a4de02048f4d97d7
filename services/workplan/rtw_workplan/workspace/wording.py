"""What the workspace says in plain words: every web UI's words (rtw_shared.webui.wording: demands,
restrictions, the Job Accommodation Network categories, dates with their year, schedule weeks), re-exported
for the templates' `words`, and the workspace's own — a case's statuses and moves, strength levels, body
parts, job demands with their amounts, what an API's field path means on the page, notification kinds.
Pure functions: no I/O."""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import date, datetime
from typing import Any, get_args

from rtw_shared.vocabulary import BodyPart, CaseStatus, Demand, Frequency, StrengthLevel
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
    count,
    day_of,
    due_in_words,
    long_date,
    number,
    restriction_in_words,
    schedule_bars,
    sentence,
    short_date,
    week_dates,
    week_in_words,
    week_label,
)

__all__ = [
    "BODY_PARTS",
    "CHART_BOTTOM",
    "CHART_HEIGHT",
    "CHART_TOP",
    "CHART_WIDTH",
    "DEMANDS",
    "DEMAND_CHOICES",
    "DUTIES",
    "EN_DASH",
    "FREQUENCIES",
    "FREQUENCY_CHOICES",
    "JAN_CATEGORIES",
    "LIFTING",
    "MOVES_NEEDING_A_REASON",
    "STATUSES",
    "STRENGTH_LEVELS",
    "Bar",
    "Due",
    "age_on",
    "body_part",
    "category_explained",
    "category_name",
    "count",
    "day_of",
    "demand_amount",
    "demand_name",
    "due_in_words",
    "field_words",
    "long_date",
    "moment",
    "notification_kind",
    "number",
    "restriction_in_words",
    "schedule_bars",
    "sentence",
    "short_date",
    "status_name",
    "strength_name",
    "week_dates",
    "week_in_words",
    "week_label",
]

# A case's statuses (docs/domain/cases.md), as a therapist says them.
STATUSES = {
    "referred": "Referred",
    "assessing": "Assessing",
    "plan_active": "Plan active",
    "modified_duty": "Modified duty",
    "full_duty": "Full duty",
    "closed": "Closed",
    "on_hold": "On hold",
    "withdrawn": "Withdrawn",
}
assert set(STATUSES) == set(get_args(CaseStatus)), "every status has its words"
# Moves intake refuses without a reason (docs/domain/cases.md, "Status").
MOVES_NEEDING_A_REASON = frozenset({"on_hold", "withdrawn"})
STRENGTH_LEVELS: dict[str, str] = {
    str(level): str(level).replace("_", " ").capitalize() for level in get_args(StrengthLevel)
}
DEMAND_CHOICES: tuple[str, ...] = get_args(Demand)
FREQUENCY_CHOICES: tuple[str, ...] = get_args(Frequency)
SIDES = {"left": "left", "right": "right"}


def _body_part_words(part: str) -> str:
    """`shoulder_left` → `Left shoulder`, `lumbar_spine` → `Lumbar spine`."""
    *what, side = part.split("_")
    if side in SIDES and what:
        return f"{side.capitalize()} {' '.join(what)}"
    return part.replace("_", " ").capitalize()


BODY_PARTS: dict[str, str] = {str(part): _body_part_words(str(part)) for part in get_args(BodyPart)}


def status_name(status: str | None) -> str:
    """`Plan active`."""
    return STATUSES.get(status or "", (status or "").replace("_", " ").capitalize())


def strength_name(level: str | None) -> str:
    """`Very heavy` (`not stated` for none)."""
    return STRENGTH_LEVELS.get(level or "", "not stated")


def body_part(part: str) -> str:
    """`Left shoulder`."""
    return BODY_PARTS.get(part, part.replace("_", " "))


def demand_name(demand: str | None) -> str:
    """`Lifting from floor to waist`."""
    return sentence(DEMANDS.get(demand or "", (demand or "").replace("_", " ")))


def demand_amount(item: Mapping[str, Any]) -> str:
    """A demand, capacity or requirement's amount: `20 kg`, `120 min`, or empty when it names none."""
    if item.get("load_kg") is not None:
        return f"{number(float(item['load_kg']))} kg"
    if item.get("duration_min") is not None:
        return f"{number(float(item['duration_min']))} min"
    return ""


def moment(value: datetime | str | None) -> str:
    """`Mon 7 Dec 2026, 14:05 UTC` (a timestamp from the API, ISO text or a datetime)."""
    if isinstance(value, str):
        value = datetime.fromisoformat(value)
    if value is None:
        return ""
    return f"{long_date(value.date())}, {value:%H:%M} UTC"


def age_on(born: date | str | None, today: date) -> str:
    """`41 years`."""
    birth = day_of(born)
    if birth is None:
        return ""
    years = today.year - birth.year - ((today.month, today.day) < (birth.month, birth.day))
    return count(years, "year")


FIELD_PARTS = {
    "worker": "Worker",
    "claim": "Claim",
    "employment": "Employment",
    "referral": "Referral",
    "consents": "Consents",
    "essential_functions": "essential function",
    "demands": "demand",
    "capacities": "capacity",
    "copm": "COPM problem",
    "restrictions": "restriction",
    "grip_trials_kg": "grip",
}


def field_words(path: str) -> str:
    """An API's field path in words: `employment.essential_functions.0.demands.1.load_kg` →
    `Employment, essential function 1, demand 2: load kg` (rows count from 1)."""
    parts = [p for p in path.split(".") if p not in ("body", "query")]
    words: list[str] = []
    for part in parts[:-1]:
        if part.isdigit() and words:
            words[-1] += f" {int(part) + 1}"
        else:
            words.append(FIELD_PARTS.get(part, part.replace("_", " ")))
    last = parts[-1] if parts else path
    if last.isdigit() and words:
        words[-1] += f" {int(last) + 1}"
        return ", ".join(words)
    label = last.replace("_", " ")
    return f"{', '.join(words)}: {label}" if words else label


NOTIFICATION_KINDS = re.compile(r"[_.]")


def notification_kind(kind: str) -> str:
    """`accommodation_countered` → `Accommodation countered`."""
    return sentence(NOTIFICATION_KINDS.sub(" ", kind))
