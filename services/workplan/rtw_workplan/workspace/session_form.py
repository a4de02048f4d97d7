"""The session log's form: today's prescription laid out as one row per activity of the plan (pre-filled
from what the therapist's last decision, else the plan, prescribes), read back into the body
`POST /v1/plans/{id}/sessions` takes; and a logged session laid out again for its correction. Pure: no I/O.

Field names: the session's own (`date`, `attendance`, `minutes`, `pain_before`…), then one numbered block per
activity row (`act0_activity_id`, `act0_done`, `act0_p_load_kg`, `act0_a_load_kg`, `act0_outcome`…);
`p_` is what was prescribed, `a_` what was achieved."""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from .forms import FormError, first

Posted = Mapping[str, Sequence[str]]
Body = dict[str, Any]
DOSE = ("load_kg", "reps", "sets", "duration_min")
INTEGERS = frozenset({"reps", "sets", "minutes", "pain_before", "pain_after"})
ROW = re.compile(r"^act(\d+)_kind$")
ATTENDANCE = ("attended", "cancelled", "no_show")


def _figure(value: object) -> str:
    if value is None or value == "":
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def activity_rows(activities: Iterable[Mapping[str, Any]], done: Iterable[Mapping[str, Any]] = ()) -> list[Body]:
    """One row per activity: its id, name, kind, demand and frequency, and the dose prescribed and achieved as
    the form shows them. `activities` are the plan's (with `prescription`, today's dose); `done`, a logged
    session's results, fill the row of the activity they name (and add a row for one the plan lacks)."""
    logged = {str(r.get("activity_id")): r for r in done if r.get("activity_id")}
    rows: list[Body] = []
    for activity in activities:
        result = logged.pop(str(activity["activity_id"]), None)
        rows.append(_row(activity, result, checked=result is not None or not done))
    for result in logged.values():
        rows.append(_row({**result, "name": result.get("kind", "").replace("_", " ")}, result, checked=True))
    return rows


def _row(activity: Mapping[str, Any], result: Mapping[str, Any] | None, *, checked: bool) -> Body:
    prescribed = (result or {}).get("prescribed") or activity.get("prescription") or {}
    achieved = (result or {}).get("achieved") or prescribed
    given = [k for k in DOSE if prescribed.get(k) is not None or achieved.get(k) is not None]
    return {
        "shown": given or list(DOSE),
        "activity_id": str(activity.get("activity_id") or ""),
        "name": activity.get("name") or str(activity.get("kind", "")).replace("_", " "),
        "kind": activity.get("kind", ""),
        "demand": activity.get("demand") or "",
        "frequency": activity.get("frequency") or "",
        "done": checked,
        "prescribed": {k: _figure(prescribed.get(k)) for k in DOSE},
        "achieved": {k: _figure(achieved.get(k)) for k in DOSE},
        "tolerated": (result or {}).get("tolerated", True),
        "stopped_reason": (result or {}).get("stopped_reason") or "",
    }


def session_fields(
    content: Mapping[str, Any] | None, today: str, *, minutes: int | None = None, work_simulation: bool = False
) -> dict[str, str]:
    """The session's own fields as the form shows them: a logged session's, else today's defaults (the
    phase's minutes; work simulation when the phase has a work-simulation activity)."""
    content = content or {"minutes": minutes, "work_simulation": work_simulation}
    fields = {
        "date": str(content.get("date") or today),
        "attendance": str(content.get("attendance") or "attended"),
        "absence_reason": content.get("absence_reason") or "",
        "minutes": _figure(content.get("minutes")),
        "work_simulation": "on" if content.get("work_simulation") else "",
        "pain_before": _figure(content.get("pain_before")),
        "pain_after": _figure(content.get("pain_after")),
        "effort": _figure(content.get("effort")),
        "note": content.get("note") or "",
    }
    return fields


def rows_from_form(form: Posted) -> list[Body]:
    """The activity rows as they were sent (to show the form again after a refusal)."""
    rows = []
    for index in _row_indexes(form):
        name = f"act{index}_"
        rows.append(
            {
                "activity_id": first(form, name + "activity_id"),
                "name": first(form, name + "name"),
                "kind": first(form, name + "kind"),
                "demand": first(form, name + "demand"),
                "frequency": first(form, name + "frequency"),
                "done": bool(first(form, name + "done")),
                "prescribed": {k: first(form, f"{name}p_{k}") for k in DOSE},
                "achieved": {k: first(form, f"{name}a_{k}") for k in DOSE},
                "tolerated": first(form, name + "outcome") != "stopped",
                "shown": [k for k in DOSE if f"{name}p_{k}" in form] or list(DOSE),
                "stopped_reason": first(form, name + "stopped_reason"),
            }
        )
    return rows


def _row_indexes(form: Posted) -> list[int]:
    return sorted(int(m.group(1)) for name in form if (m := ROW.match(name)))


def session_body(form: Posted) -> Body:
    """The form as `SessionIn`: a cancelled or missed session carries its reason only; an attended one its
    numbers and the activities ticked as done. Empty fields are left out; a number that is not one is named."""
    problems: list[str] = []
    attendance = first(form, "attendance") or "attended"
    body: Body = {"date": first(form, "date"), "attendance": attendance}
    if note := first(form, "note"):
        body["note"] = note
    if attendance != "attended":
        body["absence_reason"] = first(form, "absence_reason") or None
        _raise_if(problems)
        return body
    for name in ("minutes", "pain_before", "pain_after", "effort"):
        _put(body, name, first(form, name), problems, label=LABELS[name])
    body["work_simulation"] = bool(first(form, "work_simulation"))
    body["activities"] = [
        result for index in _row_indexes(form) if (result := _result(form, index, problems)) is not None
    ]
    _raise_if(problems)
    return body


LABELS = {
    "minutes": "Minutes",
    "pain_before": "Pain before",
    "pain_after": "Pain after",
    "effort": "Effort (Borg)",
    "load_kg": "load",
    "reps": "repetitions",
    "sets": "sets",
    "duration_min": "minutes",
}


def _result(form: Posted, index: int, problems: list[str]) -> Body | None:
    name = f"act{index}_"
    if not first(form, name + "done"):
        return None
    label = first(form, name + "name") or first(form, name + "kind")
    result: Body = {"kind": first(form, name + "kind"), "prescribed": {}, "achieved": {}}
    if activity_id := first(form, name + "activity_id"):
        result["activity_id"] = activity_id
    if demand := first(form, name + "demand"):
        result["demand"] = demand
    for key in DOSE:
        _put(result["prescribed"], key, first(form, f"{name}p_{key}"), problems, label=f"{label}: {LABELS[key]}")
        _put(result["achieved"], key, first(form, f"{name}a_{key}"), problems, label=f"{label}: {LABELS[key]}")
    stopped = first(form, name + "outcome") == "stopped"
    result["tolerated"] = not stopped
    if stopped:
        result["stopped_reason"] = first(form, name + "stopped_reason") or None
        if result["stopped_reason"] is None:
            problems.append(f"{label}: say why it was stopped")
    return result


def _put(target: Body, key: str, text: str, problems: list[str], *, label: str) -> None:
    if not text:
        return
    try:
        number = float(text.replace(",", "."))
    except ValueError:
        problems.append(f"{label}: “{text}” is not a number")
        return
    if key in INTEGERS:
        if not number.is_integer():
            problems.append(f"{label}: a whole number, please (not {text})")
            return
        target[key] = int(number)
    else:
        target[key] = number


def _raise_if(problems: list[str]) -> None:
    if problems:
        raise FormError(problems)
