"""Organisation contacts an administrator proposes: a status (`active`, or `proposed` until one of
the organisation's people confirms it; only active contacts are emailed) and a version for
If-Match. Every existing contact was added by its organisation or confirmed in effect: active.

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-04
"""

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("org_contacts", sa.Column("status", sa.String(16), nullable=False, server_default="active"))
    op.add_column("org_contacts", sa.Column("version", sa.Integer, nullable=False, server_default="1"))


def downgrade() -> None:
    op.drop_column("org_contacts", "version")
    op.drop_column("org_contacts", "status")
