"""The case domain in depth: referral, consents, restrictions, computed DOT level, hold state,
assessments and the timeline.

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-27
"""

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None

DEFAULT_CONSENTS = '{"share_restrictions_with_employer": true, "share_status_with_insurer": true}'


def upgrade() -> None:
    op.add_column("cases", sa.Column("status_before_hold", sa.String(32)))
    op.add_column("cases", sa.Column("referral", postgresql.JSONB))
    op.add_column(
        "cases",
        sa.Column("consents", postgresql.JSONB, nullable=False, server_default=sa.text(f"'{DEFAULT_CONSENTS}'::jsonb")),
    )
    op.add_column(
        "cases", sa.Column("restrictions", postgresql.JSONB, nullable=False, server_default=sa.text("'[]'::jsonb"))
    )
    op.add_column("cases", sa.Column("dot_strength_level_computed", sa.String(16)))
    op.create_check_constraint(
        op.f("ck_cases_status_known"),
        "cases",
        "status IN ('referred','assessing','plan_active','modified_duty','full_duty','closed','on_hold','withdrawn')",
    )
    op.create_table(
        "assessments",
        sa.Column("id", postgresql.UUID(as_uuid=True), primary_key=True),
        sa.Column("case_id", postgresql.UUID(as_uuid=True), sa.ForeignKey("cases.id"), nullable=False, index=True),
        sa.Column("assessed_on", sa.Date, nullable=False),
        sa.Column("capacities", postgresql.JSONB, nullable=False),
        sa.Column("grip_trials_kg", postgresql.JSONB),
        sa.Column("grip_kg_left", sa.Numeric(6, 2)),
        sa.Column("grip_kg_right", sa.Numeric(6, 2)),
        sa.Column("pain_nrs", sa.Integer, sa.CheckConstraint("pain_nrs BETWEEN 0 AND 10", name="pain_nrs_range")),
        sa.Column("copm", postgresql.JSONB, nullable=False),
        sa.Column("recorded_by", sa.String(255), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False, server_default=sa.func.now()),
    )
    op.create_table(
        "case_timeline",
        sa.Column("id", sa.BigInteger, primary_key=True, autoincrement=True),
        sa.Column("case_id", postgresql.UUID(as_uuid=True), sa.ForeignKey("cases.id"), nullable=False, index=True),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False, server_default=sa.func.now()),
        sa.Column("kind", sa.String(64), nullable=False),
        sa.Column("summary", sa.String(500), nullable=False),
        sa.Column("actor", sa.String(255)),
        sa.Column("data", postgresql.JSONB, nullable=False, server_default=sa.text("'{}'::jsonb")),
    )


def downgrade() -> None:
    op.drop_table("case_timeline")
    op.drop_table("assessments")
    op.drop_constraint(op.f("ck_cases_status_known"), "cases", type_="check")
    for column in ("dot_strength_level_computed", "restrictions", "consents", "referral", "status_before_hold"):
        op.drop_column("cases", column)
