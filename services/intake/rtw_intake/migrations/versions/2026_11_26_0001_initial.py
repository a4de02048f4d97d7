"""Initial schema: cases, the status projection, outbox and inbox.

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
    op.execute("CREATE SEQUENCE case_reference_seq")
    op.create_table(
        "cases",
        sa.Column("id", postgresql.UUID(as_uuid=True), primary_key=True),
        sa.Column("reference", sa.String(32), nullable=False, unique=True),
        sa.Column("status", sa.String(32), nullable=False),
        sa.Column("clinic_org_id", sa.String(64), nullable=False, index=True),
        sa.Column("employer_org_id", sa.String(64), nullable=False, index=True),
        sa.Column("insurer_org_id", sa.String(64), nullable=False, index=True),
        sa.Column("therapist_id", sa.String(64), nullable=False),
        sa.Column("therapist_username", sa.String(255), nullable=False),
        sa.Column("worker", postgresql.JSONB, nullable=False),
        sa.Column("claim", postgresql.JSONB, nullable=False),
        sa.Column("employment", postgresql.JSONB, nullable=False),
        sa.Column("version", sa.Integer, nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False, server_default=sa.func.now()),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False, server_default=sa.func.now()),
    )
    op.create_index("ix_cases_updated", "cases", ["updated_at", "id"])
    op.create_table(
        "case_status",
        sa.Column("case_id", postgresql.UUID(as_uuid=True), sa.ForeignKey("cases.id"), primary_key=True),
        sa.Column("plan_id", postgresql.UUID(as_uuid=True)),
        sa.Column("plan_status", sa.String(32)),
        sa.Column("plan_version", sa.Integer),
        sa.Column("adherence", sa.Numeric(5, 4)),
        sa.Column("job_match", sa.Numeric(5, 4)),
        sa.Column("accommodation_id", postgresql.UUID(as_uuid=True)),
        sa.Column("accommodation_status", sa.String(32)),
        sa.Column("projected_rtw_date", sa.Date),
        sa.Column("projected_cost", sa.Numeric(12, 2)),
        sa.Column("actual_cost", sa.Numeric(12, 2)),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False, server_default=sa.func.now()),
    )
    create_messaging_tables(op)


def downgrade() -> None:
    drop_messaging_tables(op)
    op.drop_table("case_status")
    op.drop_table("cases")
    op.execute("DROP SEQUENCE case_reference_seq")
