"""Notify's case copy keeps the insurer's claim number from the case snapshot: webhooks and emails to
the insurer carry it. Copies made before it was kept fill in with the case's next snapshot.

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-05
"""

import sqlalchemy as sa
from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("cases", sa.Column("claim_number", sa.String(64)))


def downgrade() -> None:
    op.drop_column("cases", "claim_number")
