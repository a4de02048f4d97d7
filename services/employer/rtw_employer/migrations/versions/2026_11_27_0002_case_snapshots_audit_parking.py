"""Case copies keep intake's snapshots (version, status, consents); requests say why they were
withdrawn; the audit log and the table of parked events.

Existing copies were built when the worker's consents did not travel, and employer only ever got
the worker's name with the consent to share it: their share flags become true (intake's default),
their status 'referred'. A copy made from `case.created` gets case_version 1 (the version that event
describes); one made from `case.shared_with_employer` alone gets 0, so any snapshot completes it.
The columns such a partial copy lacks (reference, the clinic, the insurer, the therapist — which no
old copy knows) stay nullable.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-27
"""

import sqlalchemy as sa
from alembic import op

from rtw_shared.audit.tables import create_audit_log, drop_audit_log
from rtw_shared.event_tables import create_parking_table

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("case_copies", sa.Column("case_version", sa.Integer, nullable=False, server_default="0"))
    op.add_column("case_copies", sa.Column("status", sa.String(32)))
    op.add_column("case_copies", sa.Column("therapist_id", sa.String(64)))
    op.add_column(
        "case_copies",
        sa.Column("share_restrictions_with_employer", sa.Boolean, nullable=False, server_default=sa.false()),
    )
    op.add_column(
        "case_copies", sa.Column("share_status_with_insurer", sa.Boolean, nullable=False, server_default=sa.false())
    )
    op.execute(
        "UPDATE case_copies SET share_restrictions_with_employer = true, share_status_with_insurer = true, "
        "status = 'referred', case_version = CASE WHEN reference IS NULL THEN 0 ELSE 1 END"
    )
    op.create_index("ix_case_copies_employer_org_id", "case_copies", ["employer_org_id"])
    op.add_column("accommodation_requests", sa.Column("withdrawn_reason", sa.Text))
    create_audit_log(op)
    create_parking_table(op)


def downgrade() -> None:
    op.drop_table("parked_events")
    drop_audit_log(op)
    op.drop_column("accommodation_requests", "withdrawn_reason")
    op.drop_index("ix_case_copies_employer_org_id", table_name="case_copies")
    for column in (
        "share_status_with_insurer",
        "share_restrictions_with_employer",
        "therapist_id",
        "status",
        "case_version",
    ):
        op.drop_column("case_copies", column)
