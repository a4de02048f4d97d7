"""A case's plan versions as employer heard of them (one lineage per case: a late copy of an older
version opens nothing, whatever order the publications arrive in), the requested schedule's start,
and the plan version that put an accepted counter-proposal into effect.

The versions of requests already opened are remembered as seen (published when the request was).

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-05
"""

from typing import Any

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None

UUID = postgresql.UUID(as_uuid=True)
REQUEST_COLUMNS: tuple[tuple[str, sa.types.TypeEngine[Any]], ...] = (
    ("schedule_start_date", sa.Date()),
    ("agreed_plan_id", UUID),
    ("agreed_plan_version", sa.Integer()),
    ("agreed_schedule_start_date", sa.Date()),
    ("agreed_schedule", postgresql.JSONB()),
    ("agreed_accommodations", postgresql.JSONB()),
)


def upgrade() -> None:
    op.create_table(
        "plan_versions_seen",
        sa.Column("case_id", UUID, primary_key=True),
        sa.Column("version", sa.Integer, primary_key=True),
        sa.Column("plan_id", UUID, nullable=False),
        sa.Column("agreed_accommodation_id", UUID),
        sa.Column("published_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False, server_default=sa.func.now()),
    )
    op.execute(
        "INSERT INTO plan_versions_seen (case_id, version, plan_id, published_at) "
        "SELECT DISTINCT ON (case_id, plan_version) case_id, plan_version, plan_id, created_at "
        "FROM accommodation_requests ORDER BY case_id, plan_version, created_at"
    )
    for name, type_ in REQUEST_COLUMNS:
        op.add_column("accommodation_requests", sa.Column(name, type_))


def downgrade() -> None:
    for name, _ in reversed(REQUEST_COLUMNS):
        op.drop_column("accommodation_requests", name)
    op.drop_table("plan_versions_seen")
