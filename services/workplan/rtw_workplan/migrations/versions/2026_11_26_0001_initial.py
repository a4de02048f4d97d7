"""Initial schema: the case copy, plans, outbox and inbox.

Revision ID: 0001
Revises:
Create Date: 2026-11-26
"""

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

from rtw_shared.event_tables import create_messaging_tables, drop_messaging_tables

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "cases",
        sa.Column("case_id", postgresql.UUID(as_uuid=True), primary_key=True),
        sa.Column("reference", sa.String(32), nullable=False),
        sa.Column("clinic_org_id", sa.String(64), nullable=False),
        sa.Column("therapist_id", sa.String(64), nullable=False),
        sa.Column("employer_org_id", sa.String(64), nullable=False),
        sa.Column("insurer_org_id", sa.String(64), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False, server_default=sa.func.now()),
    )
    op.create_table(
        "plans",
        sa.Column("id", postgresql.UUID(as_uuid=True), primary_key=True),
        sa.Column("case_id", postgresql.UUID(as_uuid=True), sa.ForeignKey("cases.case_id"), nullable=False, index=True),
        sa.Column("version", sa.Integer, nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("clinic_org_id", sa.String(64), nullable=False, index=True),
        sa.Column("insurer_org_id", sa.String(64), nullable=False, index=True),
        sa.Column("employer_org_id", sa.String(64), nullable=False),
        sa.Column("therapist_id", sa.String(64), nullable=False),
        sa.Column("content", postgresql.JSONB, nullable=False),
        sa.Column("projected_rtw_date", sa.Date),
        sa.Column("projected_cost", sa.Numeric(12, 2)),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False, server_default=sa.func.now()),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False, server_default=sa.func.now()),
        sa.Column("published_at", sa.DateTime(timezone=True)),
        sa.UniqueConstraint("case_id", "version", name="uq_plans_case_id_version"),
        sa.CheckConstraint("status IN ('draft', 'published', 'completed', 'cancelled')", name="ck_plans_status"),
        sa.CheckConstraint("version >= 1", name="ck_plans_version"),
    )
    op.create_index("ix_plans_created", "plans", ["created_at", "id"])
    create_messaging_tables(op)


def downgrade() -> None:
    drop_messaging_tables(op)
    op.drop_table("plans")
    op.drop_table("cases")
