"""Each notification names the part of its case it tells of (rtw_shared.access.Part: a schedule week
is the worker's restrictions, an expired request its accommodation), and the inbox shows it only
while the reader may see that part — a withdrawn consent hides what it covered. Existing
notifications told of the case itself.

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-04
"""

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("notifications", sa.Column("part", sa.String(16), nullable=False, server_default="case"))


def downgrade() -> None:
    op.drop_column("notifications", "part")
