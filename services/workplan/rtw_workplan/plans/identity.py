"""Goals and activities keep their identity through edits (docs/domain/plans.md): what reviews, sessions,
recommendations and decisions name them by. An item sent with its id keeps it. One sent without (a client
that predates ids, or a new item) takes the id of the draft's item it is — the same content, else the
same demand (and kind) at the same place — and only a new item gets a new id. So a PUT of what was there
changes nothing, and an edit of a goal's target keeps the goal."""

from __future__ import annotations

import uuid
from typing import Any

IDENTIFIED_PARTS = ("goals", "activities")


def identified(before: dict[str, Any], after: dict[str, Any]) -> dict[str, Any]:
    """`after` (stored content, as a PUT sent it) with an id on every goal and activity."""
    goals = _identify(before.get("goals", []), after.get("goals", []), ("demand",))
    old_activities = [a for p in before.get("phases", []) for a in p.get("activities", [])]
    new_activities = _identify(
        old_activities, [a for p in after.get("phases", []) for a in p.get("activities", [])], ("kind", "demand")
    )
    ids = iter(new_activities)
    phases = [{**p, "activities": [next(ids) for _ in p.get("activities", [])]} for p in after.get("phases", [])]
    return {**after, "goals": goals, "phases": phases}


def _identify(
    old: list[dict[str, Any]], new: list[dict[str, Any]], same_place: tuple[str, ...]
) -> list[dict[str, Any]]:
    claimed = {item["id"] for item in new if item.get("id")}
    free = [item for item in old if item.get("id") and item["id"] not in claimed]
    out = []
    for place, item in enumerate(new):
        if not item.get("id"):
            match = _same_content(free, item) or _same_place(free, old, place, item, same_place)
            if match is not None:
                free.remove(match)
            item = {**item, "id": match["id"] if match else str(uuid.uuid4())}
        out.append(item)
    return out


def _same_content(free: list[dict[str, Any]], item: dict[str, Any]) -> dict[str, Any] | None:
    return next((old for old in free if {**old, "id": None} == {**item, "id": None}), None)


def _same_place(
    free: list[dict[str, Any]], old: list[dict[str, Any]], place: int, item: dict[str, Any], keys: tuple[str, ...]
) -> dict[str, Any] | None:
    if place >= len(old) or old[place] not in free:
        return None
    candidate = old[place]
    return candidate if all(candidate.get(k) == item.get(k) for k in keys) else None
