"""The audit log of every authenticated API request (rtw_shared.audit) and the table of events
waiting for their case (rtw_shared.messaging.parking).

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-27
"""

from alembic import op

from rtw_shared.audit.tables import create_audit_log, drop_audit_log
from rtw_shared.event_tables import create_parking_table

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    create_audit_log(op)
    create_parking_table(op)


def downgrade() -> None:
    op.drop_table("parked_events")
    drop_audit_log(op)
