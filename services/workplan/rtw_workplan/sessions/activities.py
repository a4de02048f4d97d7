"""Which of the plan's activities each result of a session is (docs/domain/plans.md, "The session log"):
named by its `activity_id`, or — for a client that sends none — the plan's one activity of the same kind
and demand (and frequency, when given). A result the plan has no activity for is kept by its kind, demand
and frequency. The session is stored with what was resolved, so its recommendations, decisions and
progress rows follow the activity, not its position."""

from __future__ import annotations

from typing import Any

from rtw_shared.errors import UnprocessableError

from ..plans.schemas import ActivityIn, PlanContent
from .schemas import ActivityResultIn, SessionIn


def resolved(content: dict[str, Any], data: SessionIn) -> dict[str, Any]:
    """The session body as stored: each result with the plan's activity it is, and the frequency it stands
    for (the activity's when not given, else occasional). 422 naming the result when it cannot be told."""
    planned = PlanContent.model_validate(content).activities()
    body = data.model_dump(mode="json")
    body["activities"] = [
        _resolve(planned, result, f"activities.{i}").model_dump(mode="json") for i, result in enumerate(data.activities)
    ]
    return body


def _resolve(planned: list[ActivityIn], result: ActivityResultIn, field: str) -> ActivityResultIn:
    if result.activity_id is not None:
        activity = next((a for a in planned if a.id == result.activity_id), None)
        if activity is None:
            raise UnprocessableError(
                f"{field}.activity_id: the plan has no activity {result.activity_id}", field=f"{field}.activity_id"
            )
        if activity.kind != result.kind or (result.demand is not None and result.demand != activity.demand):
            raise UnprocessableError(
                f"{field}.activity_id: activity {activity.id} ({activity.name}) is {activity.kind} on "
                f"{activity.demand}, not {result.kind} on {result.demand}",
                field=f"{field}.activity_id",
            )
        return _as(result, activity)
    same = [a for a in planned if a.kind == result.kind and a.demand == result.demand]
    if result.frequency is not None:
        same = [a for a in same if a.frequency in (None, result.frequency)]
    if len(same) > 1:
        names = ", ".join(f"{a.id} ({a.name})" for a in same)
        raise UnprocessableError(
            f"{field}.activity_id: the plan has {len(same)} {result.kind} activities on {result.demand}: "
            f"name the one performed ({names})",
            field=f"{field}.activity_id",
        )
    if same:
        return _as(result, same[0])
    return result.model_copy(update={"frequency": result.frequency or "occasional"})


def _as(result: ActivityResultIn, activity: ActivityIn) -> ActivityResultIn:
    return result.model_copy(
        update={
            "activity_id": activity.id,
            "demand": activity.demand,
            "frequency": result.frequency or activity.frequency or "occasional",
        }
    )
