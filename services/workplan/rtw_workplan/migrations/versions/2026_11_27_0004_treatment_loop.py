"""The treatment loop: the session log (sessions and their append-only revisions), reviews (GAS and
COPM), progression decisions, each clinic's fees and thresholds, durable timers (the graduated
schedule's weeks), the job's demands on the case copy, and a plan's publication dates, revision
links and end — with `superseded` among its statuses.

Existing rows need nothing: every new plan column is nullable (a plan published before keeps its
figures and shows no schedule start), and a case copy without `job` has no job match until intake
sends one.

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-27
"""

import uuid
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

from rtw_shared.timers import create_timers_table

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None

OLD_STATUSES = "status IN ('draft', 'published', 'completed', 'cancelled')"
NEW_STATUSES = "status IN ('draft', 'published', 'superseded', 'completed', 'cancelled')"


def _plan_columns() -> list[sa.Column[Any]]:
    # New objects each time: a Column belongs to the one table it was added with.
    return [
        sa.Column("therapy_start_date", sa.Date),
        sa.Column("schedule_start_date", sa.Date),
        sa.Column("next_review_date", sa.Date),
        sa.Column("projected_readiness_date", sa.Date),
        sa.Column("previous_plan_id", postgresql.UUID(as_uuid=True), sa.ForeignKey("plans.id")),
        sa.Column("changes", postgresql.JSONB),
        sa.Column("acknowledged_warnings", postgresql.JSONB),
        sa.Column("acknowledged_by", sa.String(64)),
        sa.Column("ended_at", sa.DateTime(timezone=True)),
        sa.Column("end_reason", sa.String(500)),
    ]


def _uuid(name: str, *args: sa.ForeignKey, **kwargs: Any) -> sa.Column[uuid.UUID]:
    return sa.Column(name, postgresql.UUID(as_uuid=True), *args, **kwargs)


def _now(name: str) -> sa.Column[datetime]:
    return sa.Column(name, sa.DateTime(timezone=True), nullable=False, server_default=sa.func.now())


def upgrade() -> None:
    op.add_column("cases", sa.Column("job", postgresql.JSONB))
    for column in _plan_columns():
        op.add_column("plans", column)
    op.drop_constraint("ck_plans_status", "plans", type_="check")
    op.create_check_constraint("ck_plans_status", "plans", NEW_STATUSES)
    _create_sessions()
    _create_reviews_and_decisions()
    op.create_table(
        "clinic_settings",
        sa.Column("clinic_org_id", sa.String(64), primary_key=True),
        sa.Column("fee_evaluation", sa.Numeric(10, 2), nullable=False),
        sa.Column("fee_session", sa.Numeric(10, 2), nullable=False),
        sa.Column("sessions_to_advance", sa.Integer, nullable=False),
        sa.Column("pain_margin", sa.Integer, nullable=False),
        sa.Column("regress_pain_rise", sa.Integer, nullable=False),
        sa.Column("step_percent", sa.Integer, nullable=False),
        sa.Column("revision", sa.Integer, nullable=False),
        sa.Column("updated_by", sa.String(64), nullable=False),
        _now("updated_at"),
    )
    create_timers_table(op)


def _create_sessions() -> None:
    op.create_table(
        "sessions",
        _uuid("id", primary_key=True),
        _uuid("case_id", sa.ForeignKey("cases.case_id"), nullable=False, index=True),
        _uuid("plan_id", sa.ForeignKey("plans.id"), nullable=False),
        sa.Column("idempotency_key", sa.String(200)),
        sa.Column("request_sha256", sa.String(64), nullable=False),
        sa.Column("revision", sa.Integer, nullable=False),
        sa.Column("session_date", sa.Date, nullable=False),
        sa.Column("attendance", sa.String(16), nullable=False),
        sa.Column("content", postgresql.JSONB, nullable=False),
        sa.Column("recorded_by", sa.String(64), nullable=False),
        _now("created_at"),
        _now("updated_at"),
        sa.UniqueConstraint("case_id", "idempotency_key", name="uq_sessions_case_id_idempotency_key"),
    )
    op.create_index("ix_sessions_case_created", "sessions", ["case_id", "created_at", "id"])
    op.create_table(
        "session_revisions",
        _uuid("session_id", sa.ForeignKey("sessions.id"), primary_key=True),
        sa.Column("revision", sa.Integer, primary_key=True),
        sa.Column("content", postgresql.JSONB, nullable=False),
        sa.Column("reason", sa.String(1000)),
        sa.Column("recorded_by", sa.String(64), nullable=False),
        _now("recorded_at"),
    )


def _create_reviews_and_decisions() -> None:
    op.create_table(
        "reviews",
        _uuid("id", primary_key=True),
        _uuid("case_id", sa.ForeignKey("cases.case_id"), nullable=False),
        _uuid("plan_id", sa.ForeignKey("plans.id"), nullable=False),
        sa.Column("review_date", sa.Date, nullable=False),
        sa.Column("gas", postgresql.JSONB, nullable=False),
        sa.Column("copm", postgresql.JSONB, nullable=False),
        sa.Column("gas_t_score", sa.Numeric(6, 2)),
        sa.Column("recorded_by", sa.String(64), nullable=False),
        _now("created_at"),
    )
    op.create_index("ix_reviews_case_date", "reviews", ["case_id", "review_date"])
    op.create_table(
        "progression_decisions",
        _uuid("id", primary_key=True),
        _uuid("case_id", sa.ForeignKey("cases.case_id"), nullable=False),
        _uuid("plan_id", sa.ForeignKey("plans.id"), nullable=False),
        _uuid("session_id", sa.ForeignKey("sessions.id"), nullable=False),
        sa.Column("kind", sa.String(32), nullable=False),
        sa.Column("demand", sa.String(32)),
        sa.Column("recommended", sa.String(16), nullable=False),
        sa.Column("recommended_reason", sa.String(500), nullable=False),
        sa.Column("recommended_prescription", postgresql.JSONB, nullable=False),
        sa.Column("chosen", sa.String(16), nullable=False),
        sa.Column("overridden", sa.Boolean, nullable=False),
        sa.Column("reason", sa.String(1000)),
        sa.Column("prescription", postgresql.JSONB, nullable=False),
        sa.Column("decided_by", sa.String(64), nullable=False),
        _now("created_at"),
    )
    op.create_index("ix_progression_decisions_case", "progression_decisions", ["case_id", "created_at"])


def downgrade() -> None:
    op.drop_table("timers")
    for table in ("clinic_settings", "progression_decisions", "reviews", "session_revisions", "sessions"):
        op.drop_table(table)
    # Versions only a revision could reach go back to the last status the old schema knows.
    op.execute("UPDATE plans SET status = 'cancelled' WHERE status = 'superseded'")
    op.drop_constraint("ck_plans_status", "plans", type_="check")
    op.create_check_constraint("ck_plans_status", "plans", OLD_STATUSES)
    for column in reversed(_plan_columns()):
        op.drop_column("plans", column.name)
    op.drop_column("cases", "job")
