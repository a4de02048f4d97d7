"""Activities and goals have identity; drafts start from the case; an accepted counter-proposal becomes
the plan.

Schema: the case copy keeps the case's restrictions and latest assessment; a plan keeps its baseline
(the assessment it starts from), what the case gave its draft (`seed`), who published it and the
accommodation request it is the agreement of; a progression decision names its activity; a clinic sets
the regress margin; `accommodation_requests` tells which plan version each employer request asks about;
the link from a version to the one it revises is checked at commit (a draft moving up a version is
rebased on the agreed version inserted after it).

Data, so existing plans keep working:
- every activity of every stored plan gets an id, a name (from its kind, demand and frequency) and, for a
  force demand, the frequency `occasional` (what the session log assumed); every goal an id. The ids are
  derived from the case and what the activity or goal is (its kind, demand, frequency and occurrence), so
  the same activity keeps one id through the versions that copied it;
- each session's results name the plan activity they were (the session's plan version's one activity of
  that kind and demand, when there is exactly one); each progression decision the activity of its result;
- each review's GAS scores name their goal by id (the plan's goal at the stored position);
- each acknowledged warning says who acknowledged it (the plan's `acknowledged_by`), when (its
  publication) and on which version.
Recorded session revisions stay as written. Downgrading removes what older code would refuse.

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-29
"""

from __future__ import annotations

import json
import uuid
from collections import Counter
from typing import Any

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None

IDS = uuid.UUID("0c5e1d7e-2a59-4f0e-8d8b-6f3b9a1c4e22")
LOAD_DEMANDS = {"lift_floor_waist", "lift_waist_shoulder", "lift_overhead", "carry", "push", "pull", "grip"}


def upgrade() -> None:
    op.add_column("cases", sa.Column("restrictions", postgresql.JSONB))
    op.add_column("cases", sa.Column("restrictions_version", sa.Integer))
    op.add_column("cases", sa.Column("assessment", postgresql.JSONB))
    op.add_column("plans", sa.Column("published_by", sa.String(100)))
    op.add_column("plans", sa.Column("baseline", postgresql.JSONB))
    op.add_column("plans", sa.Column("seed", postgresql.JSONB))
    op.add_column("plans", sa.Column("agreed_accommodation_id", postgresql.UUID(as_uuid=True)))
    op.create_index(
        "uq_plans_agreed_accommodation_id",
        "plans",
        ["agreed_accommodation_id"],
        unique=True,
        postgresql_where=sa.text("agreed_accommodation_id IS NOT NULL"),
    )
    op.add_column("progression_decisions", sa.Column("activity_id", postgresql.UUID(as_uuid=True)))
    op.add_column("progression_decisions", sa.Column("frequency", sa.String(16)))
    op.add_column(
        "clinic_settings", sa.Column("regress_pain_margin", sa.Integer, nullable=False, server_default=sa.text("2"))
    )
    op.create_table(
        "accommodation_requests",
        sa.Column("accommodation_id", postgresql.UUID(as_uuid=True), primary_key=True),
        sa.Column("case_id", postgresql.UUID(as_uuid=True), nullable=False),
        sa.Column("plan_id", postgresql.UUID(as_uuid=True), nullable=False),
        sa.Column("plan_version", sa.Integer, nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False, server_default=sa.func.now()),
    )
    op.create_index("ix_accommodation_requests_case_id", "accommodation_requests", ["case_id"])
    # A draft moving up a version is rebased on the agreed version inserted after it: checked at commit.
    op.execute("ALTER TABLE plans ALTER CONSTRAINT fk_plans_previous_plan_id_plans DEFERRABLE INITIALLY DEFERRED")
    _identify_plan_contents()
    _identify_sessions_and_decisions()
    _identify_review_goals()


def downgrade() -> None:
    _forget_identities()
    op.execute("ALTER TABLE plans ALTER CONSTRAINT fk_plans_previous_plan_id_plans NOT DEFERRABLE")
    op.drop_index("ix_accommodation_requests_case_id", table_name="accommodation_requests")
    op.drop_table("accommodation_requests")
    op.drop_column("clinic_settings", "regress_pain_margin")
    op.drop_column("progression_decisions", "frequency")
    op.drop_column("progression_decisions", "activity_id")
    op.drop_index("uq_plans_agreed_accommodation_id", table_name="plans")
    for column in ("agreed_accommodation_id", "seed", "baseline", "published_by"):
        op.drop_column("plans", column)
    for column in ("assessment", "restrictions_version", "restrictions"):
        op.drop_column("cases", column)


# --- data -------------------------------------------------------------------------------------------
def _rows(sql: str, **params: Any) -> list[tuple[Any, ...]]:
    return [tuple(row) for row in op.get_bind().execute(sa.text(sql), params)]


def _set_json(table: str, column: str, key: str, key_value: Any, value: Any) -> None:
    statement = sa.text(f"UPDATE {table} SET {column} = CAST(:value AS jsonb) WHERE {key} = :key")
    op.get_bind().execute(statement, {"value": json.dumps(value), "key": key_value})


def label(kind: str, demand: str | None, frequency: str | None) -> str:
    """As rtw_workplan.rules.facts.activity_label names an activity (copied: a migration stands alone)."""
    what = kind.replace("_", " ") + (": " + demand.replace("_", " ") if demand else "")
    return f"{what} ({frequency})" if frequency else what


def identified(case_id: uuid.UUID, content: dict[str, Any]) -> dict[str, Any]:
    """The content with an id on every goal and activity, and a name and frequency on every activity."""
    seen: Counter[str] = Counter()
    goals = []
    for goal in content.get("goals", []):
        key = f"goal:{goal.get('demand')}"
        seen[key] += 1
        goals.append({"id": str(uuid.uuid5(IDS, f"{case_id}:{key}:{seen[key]}")), **goal})
    phases = []
    for phase in content.get("phases", []):
        activities = []
        for activity in phase.get("activities", []):
            kind, demand = activity["kind"], activity.get("demand")
            frequency = activity.get("frequency") or ("occasional" if demand in LOAD_DEMANDS else None)
            key = f"activity:{kind}:{demand}:{frequency}"
            seen[key] += 1
            activities.append(
                {
                    "id": str(uuid.uuid5(IDS, f"{case_id}:{key}:{seen[key]}")),
                    "name": label(kind, demand, frequency),
                    **activity,
                    "frequency": frequency,
                }
            )
        phases.append({**phase, "activities": activities})
    return {**content, "goals": goals, "phases": phases}


def _identify_plan_contents() -> None:
    for plan_id, case_id, version, content, warnings, by, published_at in _rows(
        "SELECT id, case_id, version, content, acknowledged_warnings, acknowledged_by, published_at FROM plans"
    ):
        _set_json("plans", "content", "id", plan_id, identified(case_id, content or {}))
        if warnings:
            stamped = [
                {
                    "acknowledged_by": by,
                    "acknowledged_at": published_at.isoformat() if published_at else None,
                    "acknowledged_on_version": version,
                    **warning,
                }
                for warning in warnings
            ]
            _set_json("plans", "acknowledged_warnings", "id", plan_id, stamped)


def _planned(plan_content: dict[str, Any]) -> list[dict[str, Any]]:
    return [a for phase in plan_content.get("phases", []) for a in phase.get("activities", [])]


def resolved(planned: list[dict[str, Any]], result: dict[str, Any]) -> dict[str, Any]:
    """A stored session result with the plan activity it was, when the plan had exactly one like it."""
    if result.get("activity_id"):
        return result
    same = [a for a in planned if a["kind"] == result["kind"] and a.get("demand") == result.get("demand")]
    if len(same) > 1:
        same = [a for a in same if a.get("frequency") in (None, result.get("frequency") or "occasional")]
    if len(same) != 1:
        return result
    return {**result, "activity_id": same[0]["id"], "frequency": result.get("frequency") or same[0].get("frequency")}


def _identify_sessions_and_decisions() -> None:
    contents = {plan_id: content for plan_id, content in _rows("SELECT id, content FROM plans")}
    results: dict[uuid.UUID, list[dict[str, Any]]] = {}
    for session_id, plan_id, content in _rows("SELECT id, plan_id, content FROM sessions"):
        planned = _planned(contents.get(plan_id) or {})
        activities = [resolved(planned, r) for r in content.get("activities", [])]
        results[session_id] = activities
        _set_json("sessions", "content", "id", session_id, {**content, "activities": activities})
    for decision_id, session_id, kind, demand in _rows(
        "SELECT id, session_id, kind, demand FROM progression_decisions"
    ):
        same = [r for r in results.get(session_id, []) if (r["kind"], r.get("demand")) == (kind, demand)]
        if len(same) == 1:
            op.get_bind().execute(
                sa.text("UPDATE progression_decisions SET activity_id = :a, frequency = :f WHERE id = :id"),
                {"a": same[0].get("activity_id"), "f": same[0].get("frequency") or "occasional", "id": decision_id},
            )


def _identify_review_goals() -> None:
    contents = {plan_id: content for plan_id, content in _rows("SELECT id, content FROM plans")}
    for review_id, plan_id, gas in _rows("SELECT id, plan_id, gas FROM reviews"):
        goals = (contents.get(plan_id) or {}).get("goals", [])
        named = [
            {**g, "goal_id": goals[g["goal"]]["id"]} if isinstance(g.get("goal"), int) and g["goal"] < len(goals) else g
            for g in gas or []
        ]
        _set_json("reviews", "gas", "id", review_id, named)


def _forget_identities() -> None:
    """What the code before this revision would refuse: ids, names and frequencies it does not know."""
    for plan_id, content in _rows("SELECT id, content FROM plans"):
        goals = [{k: v for k, v in g.items() if k not in ("id", "frequency")} for g in content.get("goals", [])]
        phases = [
            {
                **p,
                "activities": [
                    {k: v for k, v in a.items() if k not in ("id", "name", "frequency")}
                    for a in p.get("activities", [])
                ],
            }
            for p in content.get("phases", [])
        ]
        _set_json("plans", "content", "id", plan_id, {**content, "goals": goals, "phases": phases})
    for session_id, content in _rows("SELECT id, content FROM sessions"):
        _set_json("sessions", "content", "id", session_id, _without_activity_ids(content))
    for session_id, number, content in _rows("SELECT session_id, revision, content FROM session_revisions"):
        op.get_bind().execute(
            sa.text("UPDATE session_revisions SET content = CAST(:c AS jsonb) WHERE session_id = :s AND revision = :r"),
            {"c": json.dumps(_without_activity_ids(content)), "s": session_id, "r": number},
        )


def _without_activity_ids(content: dict[str, Any]) -> dict[str, Any]:
    activities = [{k: v for k, v in a.items() if k != "activity_id"} for a in content.get("activities", [])]
    return {**content, "activities": activities}
