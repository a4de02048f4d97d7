"""The directory of organisations (copied from the realm: organisations/), and the index the
insurer's look-up by claim number and the check that a claim is registered once read.

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-04
"""

import sqlalchemy as sa
from alembic import op

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "organisations",
        sa.Column("kind", sa.String(16), nullable=False),
        sa.Column("id", sa.String(64), nullable=False),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("seen_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("kind", "id", name="pk_organisations"),
    )
    op.create_index("ix_cases_insurer_claim", "cases", ["insurer_org_id", sa.text("(claim ->> 'claim_number')")])


def downgrade() -> None:
    op.drop_index("ix_cases_insurer_claim", table_name="cases")
    op.drop_table("organisations")
