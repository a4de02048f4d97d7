"""Initial schema: case copies, accommodation requests, outbox and inbox.

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
        "case_copies",
        sa.Column("case_id", postgresql.UUID(as_uuid=True), primary_key=True),
        sa.Column("reference", sa.String(32)),
        sa.Column("employer_org_id", sa.String(64)),
        sa.Column("clinic_org_id", sa.String(64), index=True),
        sa.Column("insurer_org_id", sa.String(64), index=True),
        sa.Column("worker_name", sa.String(255)),
        sa.Column("job_title", sa.String(255)),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False, server_default=sa.func.now()),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False, server_default=sa.func.now()),
    )
    op.create_table(
        "accommodation_requests",
        sa.Column("id", postgresql.UUID(as_uuid=True), primary_key=True),
        sa.Column("case_id", postgresql.UUID(as_uuid=True), nullable=False, index=True),
        sa.Column("employer_org_id", sa.String(64), nullable=False, index=True),
        sa.Column("plan_id", postgresql.UUID(as_uuid=True), nullable=False),
        sa.Column("plan_version", sa.Integer, nullable=False),
        sa.Column("restrictions", postgresql.JSONB, nullable=False),
        sa.Column("schedule", postgresql.JSONB, nullable=False),
        sa.Column("accommodations", postgresql.JSONB, nullable=False),
        sa.Column("due_date", sa.Date, nullable=False),
        sa.Column("status", sa.String(32), nullable=False),
        sa.Column("decided_by", sa.String(64)),
        sa.Column("decided_by_username", sa.String(255)),
        sa.Column("decided_at", sa.DateTime(timezone=True)),
        sa.Column("note", sa.Text),
        sa.Column("counter", postgresql.JSONB),
        sa.Column("attestation_sha256", sa.String(64)),
        sa.Column("version", sa.Integer, nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False, server_default=sa.func.now()),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False, server_default=sa.func.now()),
        sa.UniqueConstraint("plan_id", "plan_version", name="uq_accommodation_requests_plan_version"),
    )
    op.create_index("ix_accommodation_requests_updated", "accommodation_requests", ["updated_at", "id"])
    create_messaging_tables(op)


def downgrade() -> None:
    drop_messaging_tables(op)
    op.drop_table("accommodation_requests")
    op.drop_table("case_copies")
