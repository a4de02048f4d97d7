"""The shared audit log and event parking: what `create_service_app` and the consumer now expect.

The audit log gains the cases each request touched (`case_ids`, GIN-indexed for `?case_id=`) and
the request's correlation id. Rows written before have neither: the chain hashes these fields only
when they are not null (rtw_shared.audit.chain), so every existing row keeps its hash and the chain
still verifies. Adding nullable columns rewrites no row, so the append-only triggers never fire.
`ix_audit_log_resource_id` stays: it finds the rows from before `case_ids` existed.

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-27
"""

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

from rtw_shared.event_tables import create_parking_table

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("audit_log", sa.Column("case_ids", postgresql.ARRAY(sa.Text)))
    op.add_column("audit_log", sa.Column("correlation_id", sa.String(64)))
    op.create_index("ix_audit_log_case_ids", "audit_log", ["case_ids"], postgresql_using="gin")
    create_parking_table(op)


def downgrade() -> None:
    # Rows written since keep their hashes over these fields: downgrading loses them (development only).
    op.drop_table("parked_events")
    op.drop_index("ix_audit_log_case_ids", table_name="audit_log")
    op.drop_column("audit_log", "correlation_id")
    op.drop_column("audit_log", "case_ids")
