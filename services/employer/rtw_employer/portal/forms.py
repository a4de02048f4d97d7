"""The portal's decision forms, read into the API's own input model (DecisionIn), so a decision made
on a page obeys exactly the rules of one sent to the API (a decline needs a reason, a counter's weeks
come in order): the model's own words say what is wrong. Pure: no I/O."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from pydantic import ValidationError
from pydantic_core import ErrorDetails

from ..accommodations.schemas import DecisionIn


@dataclass
class CounterForm:
    """What the counter-proposal form posts: one entry per row, in the order the rows appear."""

    description: str = ""
    note: str = ""
    acc_category: list[str] = field(default_factory=list)
    acc_description: list[str] = field(default_factory=list)
    offer_schedule: bool = False
    schedule_start_date: str = ""
    week: list[str] = field(default_factory=list)
    hours_per_day: list[str] = field(default_factory=list)
    days_per_week: list[str] = field(default_factory=list)
    duties: list[str] = field(default_factory=list)


class FormError(ValueError):
    """What is wrong with a form, as sentences a person can act on."""

    def __init__(self, problems: list[str]):
        super().__init__("; ".join(problems))
        self.problems = problems


def confirmation(note: str) -> DecisionIn:
    """A confirmation, with an optional note."""
    return _decision({"decision": "confirmed", "note": note.strip() or None})


def decline(reason: str) -> DecisionIn:
    """A decline: DecisionIn requires the reason, so the therapist knows what to change."""
    return _decision({"decision": "declined", "note": reason.strip() or None})


def counter(form: CounterForm) -> DecisionIn:
    """A counter-proposal: what the employer offers instead (rows left empty are not offered)."""
    problems: list[str] = []
    offer = {
        "description": form.description.strip(),
        "accommodations": [
            {"category": category, "description": text.strip()}
            for category, text in zip(form.acc_category, form.acc_description, strict=False)
            if text.strip()
        ],
        "schedule": _weeks(form, problems) if form.offer_schedule else [],
    }
    if form.offer_schedule and form.schedule_start_date.strip():  # empty: week 1 starts as requested
        offer["schedule_start_date"] = form.schedule_start_date.strip()
    if not offer["description"]:
        problems.append("Describe what you can offer instead.")
    if problems:
        raise FormError(problems)
    return _decision({"decision": "countered", "note": form.note.strip() or None, "counter": offer})


def _weeks(form: CounterForm, problems: list[str]) -> list[dict[str, Any]]:
    """The weeks offered: a row whose hours and days are both left empty is not offered (a week dropped,
    or an extra row not used)."""
    weeks: list[dict[str, Any]] = []
    rows = zip(form.week, form.hours_per_day, form.days_per_week, form.duties, strict=False)
    for week, hours, days, duties in rows:
        if not hours.strip() and not days.strip():
            continue
        try:
            weeks.append(
                {"week": int(week), "hours_per_day": float(hours), "days_per_week": int(days), "duties": duties}
            )
        except ValueError:
            problems.append(f"Week {week}: give hours a day and days a week as numbers.")
    return weeks


def _decision(data: dict[str, Any]) -> DecisionIn:
    try:
        return DecisionIn.model_validate(data)
    except ValidationError as error:
        raise FormError([_sentence(e) for e in error.errors()]) from error


def _sentence(error: ErrorDetails) -> str:
    """What the model's rule says, as a sentence (its own words are written for people), or
    `counter.schedule.0.hours_per_day: Input should be less than or equal to 24` in plainer words."""
    if error["type"] == "value_error":
        words = str(error.get("ctx", {}).get("error", error["msg"]))
        return f"{words[0].upper()}{words[1:]}."
    where = ".".join(str(part + 1) if isinstance(part, int) else part for part in error["loc"])  # rows count from 1
    where = (
        where.replace("counter.", "")
        .replace("accommodations.", "accommodation row ")
        .replace("schedule_start_date", "start of week 1")
        .replace("schedule.", "week row ")
    )
    return f"{where}: {error['msg']}"
