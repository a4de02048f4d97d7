"""What every RTW web UI says in plain words (the employer portal's pages, the therapist's workspace):
demands and restrictions as a supervisor would say them, the Job Accommodation Network categories
explained, how soon something is due, each schedule week's dates, and the geometry of the small schedule
chart. Dates always carry their year. Pure functions: no I/O, tested on their own (the portal's tests)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any

# What each demand of the shared vocabulary means on a shop floor (rtw_shared.vocabulary.Demand).
DEMANDS = {
    "lift_floor_waist": "lifting from floor to waist",
    "lift_waist_shoulder": "lifting from waist to shoulder",
    "lift_overhead": "lifting above the shoulders",
    "carry": "carrying",
    "push": "pushing",
    "pull": "pulling",
    "sit": "sitting",
    "stand": "standing",
    "walk": "walking",
    "climb_stairs": "climbing stairs",
    "climb_ladder": "climbing ladders",
    "stoop": "stooping",
    "crouch": "crouching",
    "kneel": "kneeling",
    "crawl": "crawling",
    "reach_overhead": "reaching overhead",
    "reach_forward": "reaching forward",
    "grip": "gripping",
    "fine_manipulation": "fine hand work",
    "gross_manipulation": "handling objects",
    "keyboarding": "keyboard work",
    "drive": "driving",
}
LIFTING = {"lift_floor_waist", "lift_waist_shoulder", "lift_overhead", "carry", "push", "pull"}
FREQUENCIES = {
    "never": "never",
    "occasional": "occasional (up to a third of the shift)",
    "frequent": "frequent (up to two thirds of the shift)",
    "constant": "constant",
}

# The Job Accommodation Network's categories, as the pages explain them (to an employer, to a therapist).
JAN_CATEGORIES = {
    "schedule_modification": ("Schedule change", "different hours, shorter shifts or a gradual return"),
    "modified_duties": ("Modified duties", "the same job without the tasks the worker cannot do yet"),
    "ergonomic_equipment": ("Ergonomic equipment", "tools or furniture that take strain off the body"),
    "job_restructuring": ("Job restructuring", "moving some tasks to colleagues for a while"),
    "assistive_technology": ("Assistive technology", "devices or software that help do the work"),
    "remote_work": ("Remote work", "working from home for some or all of the time"),
    "rest_breaks": ("Rest breaks", "extra or longer breaks during the shift"),
    "reassignment": ("Reassignment", "a different, suitable job for a while"),
    "other": ("Other", "something else the therapist describes"),
}
DUTIES = {"modified": "modified duties", "full": "full duties"}
EN_DASH = "\N{EN DASH}"  # between the first and last day of a week


def short_date(day: date) -> str:
    """`12 Jan 2027`."""
    return f"{day.day} {day:%b %Y}"


def long_date(day: date) -> str:
    """`Mon 12 Jan 2027`."""
    return f"{day:%a} {day.day} {day:%b %Y}"


def day_of(value: object) -> date | None:
    """A date from a date or its ISO text (JSON); None from anything else."""
    if isinstance(value, date):
        return value
    return date.fromisoformat(value) if isinstance(value, str) and value else None


def restriction_in_words(restriction: Mapping[str, Any]) -> str:
    """`no lifting from floor to waist over 10 kg, occasional (…), until 12 Jan`."""
    demand = restriction.get("demand", "")
    activity = DEMANDS.get(demand, demand.replace("_", " "))
    load, minutes = restriction.get("load_kg"), restriction.get("duration_min")
    frequency = restriction.get("frequency")
    if frequency == "never":
        words = f"no {activity} at all"
    elif load is not None and demand in LIFTING:
        words = f"no {activity} over {number(load)} kg"
    elif minutes is not None:
        words = f"{activity} for no more than {number(minutes)} minutes at a time"
    else:
        words = f"limited {activity}"
    if frequency and frequency != "never":
        words += f", {FREQUENCIES.get(frequency, frequency)}"
    start, end, review = (day_of(restriction.get(key)) for key in ("start", "end", "review_date"))
    if start:
        words += f", from {short_date(start)}"
    until = end or review  # the end the therapist set, else the review that decides it
    if until:
        words += f", until {short_date(until)}"
    return words


def sentence(words: str) -> str:
    """`words` with a capital first letter, the rest as written (Jinja's `capitalize` lowers them: `12 jan`)."""
    return words[:1].upper() + words[1:]


def category_name(category: str) -> str:
    """The category's short name (`Modified duties`)."""
    return JAN_CATEGORIES.get(category, (category.replace("_", " ").capitalize(), ""))[0]


def category_explained(category: str) -> str:
    """What the category means (`the same job without the tasks the worker cannot do yet`)."""
    return JAN_CATEGORIES.get(category, ("", ""))[1]


@dataclass(frozen=True)
class Due:
    """How soon an answer is due: the words, and the badge's tone (`overdue`, `soon`, `later`)."""

    words: str
    tone: str


def due_in_words(due: date, today: date) -> Due:
    """`due today`, `due in 3 days`, `overdue by 2 days`."""
    days = (due - today).days
    if days < 0:
        return Due(f"overdue by {count(-days, 'day')}", "overdue")
    if days == 0:
        return Due("due today", "soon")
    return Due(f"due in {count(days, 'day')}", "soon" if days <= 2 else "later")


def week_dates(week: Mapping[str, Any]) -> str:
    """`Mon 7 Dec 2026 - Sun 13 Dec 2026`, with an en dash (empty: the week has no dates yet)."""
    first, last = day_of(week.get("starts_on")), day_of(week.get("ends_on"))
    if first is None:
        return ""
    return f"{long_date(first)} {EN_DASH} {long_date(last)}" if last else f"from {long_date(first)}"


def week_label(week: Mapping[str, Any]) -> str:
    """`Week 1 · Mon 7 Dec 2026 - Sun 13 Dec 2026` (an en dash), or `Week 1` while the schedule has no start."""
    dates = week_dates(week)
    return f"Week {week['week']} · {dates}" if dates else f"Week {week['week']}"


def week_in_words(week: Mapping[str, Any]) -> str:
    """`4 h a day, 5 days a week, modified duties`."""
    duties = DUTIES.get(week.get("duties", ""), week.get("duties", ""))
    return f"{number(week['hours_per_day'])} h a day, {count(week['days_per_week'], 'day')} a week, {duties}"


@dataclass(frozen=True)
class Bar:
    """One week's bar of the schedule chart (SVG user units)."""

    week: int
    hours: float
    x: float
    y: float
    width: float
    height: float
    duties: str
    label: str


CHART_WIDTH, CHART_HEIGHT, CHART_TOP, CHART_BOTTOM = 320, 160, 16, 24


def schedule_bars(schedule: list[Mapping[str, Any]], *, full_week_hours: float = 40.0) -> list[Bar]:
    """Bars of hours per week for the chart, scaled to the larger of a full week and the longest week."""
    if not schedule:
        return []
    hours = [w["hours_per_day"] * w["days_per_week"] for w in schedule]
    top = max(full_week_hours, *hours)
    slot = CHART_WIDTH / len(schedule)
    plot = CHART_HEIGHT - CHART_TOP - CHART_BOTTOM
    bars = []
    for index, (week, total) in enumerate(zip(schedule, hours, strict=True)):
        height = plot * total / top
        bars.append(
            Bar(
                week=week["week"],
                hours=total,
                x=round(index * slot + slot * 0.2, 1),
                y=round(CHART_TOP + plot - height, 1),
                width=round(slot * 0.6, 1),
                height=round(height, 1),
                duties=week.get("duties", ""),
                label=f"{number(total)} h",
            )
        )
    return bars


def number(value: float) -> str:
    """`10`, `7.5`: a number as people write it."""
    return f"{value:g}"


def count(n: int, noun: str) -> str:
    """`1 day`, `3 days`."""
    return f"{n} {noun}" if n == 1 else f"{n} {noun}s"
