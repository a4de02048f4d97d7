"""The table every replica of the service counts rate-limited requests in (rtw_shared.ratelimit), so
N replicas grant a caller its limit once, not N times.

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-05
"""

from alembic import op

from rtw_shared.ratelimit import create_rate_limit_table, drop_rate_limit_table

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None


def upgrade() -> None:
    create_rate_limit_table(op)


def downgrade() -> None:
    drop_rate_limit_table(op)
