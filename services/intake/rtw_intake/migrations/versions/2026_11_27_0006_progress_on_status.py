"""The insurer's status follows the treatment: the projected readiness date and when the progress
shown was computed (workplan's `plan.progress_changed`). Both nullable: existing rows show them once
the next progress event arrives.

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-27
"""

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("case_status", sa.Column("projected_readiness_date", sa.Date))
    op.add_column("case_status", sa.Column("progress_at", sa.DateTime(timezone=True)))


def downgrade() -> None:
    op.drop_column("case_status", "progress_at")
    op.drop_column("case_status", "projected_readiness_date")
