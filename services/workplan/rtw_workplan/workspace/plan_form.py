"""The plan builder's form, read into the body `PUT /v1/plans/{id}` takes, and a plan's content written back
into the form. Pure: no I/O.

Every input is named by the path of the field it fills in the API's body (`goals.0.gas.minus_1`,
`phases.1.activities.0.load_kg`, `schedule.2.hours_per_day`), so a problem the API (or the publication's
checks) names by its `field` lands beside the input of that name, or beside the row it names (`goals.0`),
with nothing to translate. Numbers typed as text become numbers here; one that is not a number is named
against its own input. Rows are added and removed on the page without saving (`add:phases.0.activities`,
`remove:goals.1`); the restrictions come from the case and travel as they are (a hidden field)."""

from __future__ import annotations

import itertools
import json
import re
from collections.abc import Mapping, Sequence
from typing import Any

from pydantic import ValidationError

from ..plans.schemas import PlanPut

Posted = Mapping[str, Sequence[str]]
Body = dict[str, Any]
Problems = dict[str, list[str]]  # a field's path → what is wrong with it, in words

FLOATS = frozenset({"baseline", "target", "weight", "load_kg", "duration_min", "hours_per_day"})
INTS = frozenset({"reps", "sets", "start_week", "end_week", "sessions_per_week", "minutes_per_session", "week"})
INTS_OF = frozenset({"days_per_week"})
DATES = ("start_date", "schedule_start_date", "next_review_date")
MINUS = "\u2212"  # the minus sign GAS levels are written with
GAS_LEVELS = (
    ("minus_2", f"{MINUS}2", "much less than expected"),
    ("minus_1", f"{MINUS}1", "somewhat less than expected"),
    ("zero", "0", "the expected outcome"),
    ("plus_1", "+1", "somewhat more than expected"),
    ("plus_2", "+2", "much more than expected"),
)
# What an added row starts with (a schedule week: the week after the last one).
NEW_ROWS: dict[str, Body] = {
    "goals": {"demand": "", "unit": "kg", "weight": "1"},
    "phases": {"name": "", "sessions_per_week": "3", "minutes_per_session": "60", "activities": []},
    "activities": {"kind": "work_simulation"},
    "schedule": {"duties": "modified", "days_per_week": "5"},
    "accommodations": {"category": ""},
}
LISTS = ("goals", "phases", "schedule", "accommodations")
PATH = re.compile(r"^(goals|phases|schedule|accommodations)(\.[a-z0-9_]+)+$")
ACTION = re.compile(r"^(add|remove):([a-z_.0-9]+)$")


def form_state(posted: Posted) -> Body:
    """The form as a nested structure of text (lists for the rows), the way the page shows it again."""
    state: Body = {name: _first(posted, name) for name in DATES}
    state["restrictions_json"] = _first(posted, "restrictions_json") or "[]"
    for part in LISTS:
        state[part] = []
    for name in sorted(posted, key=_natural):
        if PATH.match(name):
            _put(state, name.split("."), _first(posted, name))
    for phase in state["phases"]:
        phase.setdefault("activities", [])
    for goal in state["goals"]:
        goal["gas"] = {level: (goal.get("gas") or {}).get(level, "") for level, _, _ in GAS_LEVELS}
    state["acknowledge"] = [code for code in posted.get("acknowledge", []) if code]
    return state


def state_of(content: Mapping[str, Any]) -> Body:
    """A plan's content (as the API answers it) as the form shows it: every value as text."""
    state: Body = {name: _text(content.get(name)) for name in DATES}
    state["restrictions_json"] = json.dumps(content.get("restrictions") or [])
    state["goals"] = [
        {**_texts(goal), "gas": {level: _text((goal.get("gas") or {}).get(level)) for level, _, _ in GAS_LEVELS}}
        for goal in content.get("goals") or []
    ]
    state["phases"] = [
        {**_texts({k: v for k, v in phase.items() if k != "activities"}), "activities": _rows(phase, "activities")}
        for phase in content.get("phases") or []
    ]
    weeks = [
        {k: v for k, v in week.items() if k not in ("starts_on", "ends_on")} for week in _rows(content, "schedule")
    ]
    state["schedule"] = weeks
    state["accommodations"] = _rows(content, "accommodations")
    state["acknowledge"] = []
    return state


def body_of(state: Mapping[str, Any]) -> tuple[Body, Problems]:
    """The PUT body the form stands for, and the numbers that are not numbers (by their field's path)."""
    problems: Problems = {}
    body: Body = {name: state[name] for name in DATES if state.get(name)}
    try:
        body["restrictions"] = json.loads(state.get("restrictions_json") or "[]")
    except json.JSONDecodeError:
        problems["restrictions"] = ["the case's restrictions could not be read: reload the page"]
    for part in LISTS:
        body[part] = [_row(row, f"{part}.{i}", problems) for i, row in enumerate(state.get(part) or [])]
    return body, problems


def validated(state: Mapping[str, Any]) -> tuple[PlanPut | None, Problems]:
    """The form as the API would take it, or every problem by field (none of it is saved either way)."""
    body, problems = body_of(state)
    try:
        content = PlanPut.model_validate(body)
    except ValidationError as invalid:
        for error in invalid.errors():
            path = ".".join(str(part) for part in error["loc"])
            if path not in problems:  # a number that is not one is said once, in our words
                problems.setdefault(path, []).append(plain(error["msg"]))
        return None, problems
    return (content, problems) if not problems else (None, problems)


def apply_action(state: Body, action: str) -> bool:
    """Add or remove a row (`add:goals`, `add:phases.0.activities`, `remove:schedule.2`); False: no such row."""
    matched = ACTION.match(action)
    if matched is None:
        return False
    verb, path = matched.groups()
    *parents, last = path.split(".")
    try:
        holder = _at(state, parents)
        if verb == "add":
            rows = holder[last]
            rows.append(_new_row(last, rows))
        else:
            del holder[int(last)]
    except (KeyError, IndexError, ValueError, TypeError):
        return False
    return True


def problems_of(errors: Sequence[Mapping[str, Any]]) -> Problems:
    """A problem+json's `errors` (or the checks' problems) as the page shows them: by field."""
    found: Problems = {}
    for error in errors:
        found.setdefault(str(error.get("field") or ""), []).append(plain(str(error.get("message") or "")))
    return found


PYDANTIC_WORDS = {
    "Field required": "required",
    "String should have at least 1 character": "write something here",
    "Input should be a valid integer": "a whole number, please",
    "Input should be a valid number": "a number, please",
}


def plain(message: str) -> str:
    """A validator's words without pydantic's prefix, and its commonest ones said plainly."""
    message = message.removeprefix("Value error, ")
    return PYDANTIC_WORDS.get(message, message)


def field_id(path: str) -> str:
    """An input's id from its name (dots are awkward in CSS selectors and fragment links)."""
    return "f-" + path.replace(".", "-")


def _new_row(kind: str, rows: list[Body]) -> Body:
    row = {k: (list(v) if isinstance(v, list) else v) for k, v in NEW_ROWS[kind].items()}
    if kind == "goals":
        row["gas"] = {level: "" for level, _, _ in GAS_LEVELS}
    if kind == "schedule":
        last = max((_int_or(r.get("week"), 0) for r in rows), default=0)
        row["week"] = str(last + 1)
        row["hours_per_day"] = rows[-1].get("hours_per_day", "4") if rows else "4"
    if kind == "phases":
        last = max((_int_or(r.get("end_week"), 0) for r in rows), default=0)
        row |= {"start_week": str(last + 1), "end_week": str(last + 2), "activities": []}
    return row


def _at(state: Body, parents: list[str]) -> Any:
    holder: Any = state
    for part in parents:
        holder = holder[int(part)] if isinstance(holder, list) else holder[part]
    return holder


def _row(row: Mapping[str, Any], path: str, problems: Problems) -> Body:
    """One row's text as the API takes it: numbers as numbers, empty fields left out (the API names the
    missing ones), a GAS row only when any of its levels is written."""
    found: Body = {}
    for key, value in row.items():
        if isinstance(value, list):
            found[key] = [_row(item, f"{path}.{key}.{i}", problems) for i, item in enumerate(value)]
        elif isinstance(value, dict):
            if any((v or "").strip() for v in value.values()):
                found[key] = {k: (v or "").strip() for k, v in value.items()}
        elif (text := (value or "").strip()) != "":
            found[key] = _typed(key, text, f"{path}.{key}", problems)
    return found


def _typed(key: str, text: str, path: str, problems: Problems) -> Any:
    if key not in FLOATS | INTS | INTS_OF:
        return text
    try:
        number = float(text.replace(",", "."))
    except ValueError:
        problems.setdefault(path, []).append(f"“{text}” is not a number")
        return text
    if key in FLOATS:
        return number
    if not number.is_integer():
        problems.setdefault(path, []).append(f"{text} is not a whole number")
        return text
    return int(number)


def _put(state: Body, parts: list[str], value: str) -> None:
    """Set `state[parts…] = value`, making the rows (lists, for a number) and groups (dicts) on the way."""
    holder: Any = state
    for part, following in itertools.pairwise(parts):
        if isinstance(holder, list):
            position = int(part)
            while len(holder) <= position:
                holder.append({})
            holder = holder[position]
        else:
            holder = holder.setdefault(part, [] if following.isdigit() else {})
    if isinstance(holder, dict):
        holder[parts[-1]] = value


def _natural(name: str) -> list[Any]:
    """`phases.10.name` after `phases.2.name`: numbers compared as numbers."""
    return [(0, int(p), "") if p.isdigit() else (1, 0, p) for p in name.split(".")]


def _first(posted: Posted, name: str) -> str:
    values = posted.get(name) or [""]
    return values[0]


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def _texts(row: Mapping[str, Any]) -> Body:
    return {key: _text(value) for key, value in row.items() if value is not None and not isinstance(value, dict | list)}


def _rows(holder: Mapping[str, Any], key: str) -> list[Body]:
    return [_texts(row) for row in holder.get(key) or []]


def _int_or(value: Any, default: int) -> int:
    try:
        return int(str(value))
    except ValueError:
        return default
