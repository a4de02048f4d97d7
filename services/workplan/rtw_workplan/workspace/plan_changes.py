"""What changed between two versions of a plan, side by side: each part that differs (goals, phases,
schedule, restrictions, accommodations, dates) as lines in words, the version before on the left and this
one on the right, each line marked when the other side lacks it. Pure: no I/O."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from .wording import DUTIES, EN_DASH, category_name, demand_name, number, restriction_in_words, sentence

PARTS = (
    ("goals", "Goals"),
    ("phases", "Phases and activities"),
    ("schedule", "Graduated schedule"),
    ("restrictions", "Restrictions"),
    ("accommodations", "Accommodations"),
    ("dates", "Dates"),
)
TIMES = " \u00d7 "  # the multiplication sign, spaced: 10 reps x 3 sets
DATE_NAMES = {
    "start_date": "Treatment from",
    "schedule_start_date": "Schedule from",
    "next_review_date": "Next review",
}


@dataclass(frozen=True)
class Line:
    text: str
    changed: bool  # the other version has no such line


@dataclass(frozen=True)
class PartChange:
    title: str
    before: list[Line]
    after: list[Line]


def side_by_side(before: Mapping[str, Any], after: Mapping[str, Any]) -> list[PartChange]:
    """The parts whose lines differ, in the order a plan shows them."""
    found = []
    for part, title in PARTS:
        old, new = lines_of(part, before), lines_of(part, after)
        if old != new:
            found.append(PartChange(title, _marked(old, set(new)), _marked(new, set(old))))
    return found


def lines_of(part: str, content: Mapping[str, Any]) -> list[str]:
    """One part of a plan's content as lines a person reads."""
    if part == "dates":
        return [f"{label}: {content[key]}" for key, label in DATE_NAMES.items() if content.get(key)]
    found: list[str] = []
    for item in content.get(part) or []:
        found.extend(_described(part, item))
    return found


def _described(part: str, item: Mapping[str, Any]) -> list[str]:
    if part == "goals":
        return [goal_line(item)]
    if part == "phases":
        return phase_lines(item)
    if part == "schedule":
        return [week_line(item)]
    if part == "restrictions":
        return [sentence(restriction_in_words(item))]
    return [f"{category_name(item['category'])}: {item['description']}"]


def goal_line(goal: Mapping[str, Any]) -> str:
    name = goal.get("description") or demand_name(goal.get("demand"))
    weight = f", weight {number(goal['weight'])}" if goal.get("weight", 1) != 1 else ""
    gas = " (GAS rows written)" if goal.get("gas") else ""
    return f"{name}: {number(goal['baseline'])} → {number(goal['target'])} {goal['unit']}{weight}{gas}"


def phase_lines(phase: Mapping[str, Any]) -> list[str]:
    weeks = f"weeks {phase['start_week']}{EN_DASH}{phase['end_week']}"
    found = [f"{phase['name']}: {weeks}, {phase['sessions_per_week']} a week{TIMES}{phase['minutes_per_session']} min"]
    found.extend(f"{phase['name']} · {activity_words(a)}" for a in phase.get("activities") or [])
    return found


def activity_words(activity: Mapping[str, Any]) -> str:
    """`Carton pick from pallet: 7.5 kg, 10 reps x 3 sets`."""
    amounts = []
    if activity.get("load_kg") is not None:
        amounts.append(f"{number(activity['load_kg'])} kg")
    if activity.get("reps"):
        sets = f"{TIMES}{activity['sets']} sets" if activity.get("sets") else ""
        amounts.append(f"{activity['reps']} reps{sets}")
    if activity.get("duration_min"):
        amounts.append(f"{number(activity['duration_min'])} min")
    name = activity.get("name") or str(activity.get("kind", "")).replace("_", " ")
    return f"{name}: {', '.join(amounts)}" if amounts else str(name)


def week_line(week: Mapping[str, Any]) -> str:
    duties = DUTIES.get(week["duties"], week["duties"])
    return f"Week {week['week']}: {number(week['hours_per_day'])} h a day, {week['days_per_week']} days, {duties}"


def _marked(lines: list[str], other: set[str]) -> list[Line]:
    return [Line(text, text not in other) for text in lines]
