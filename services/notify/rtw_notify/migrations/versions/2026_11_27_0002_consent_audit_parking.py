"""Case copies keep the snapshot version, status and consents; the audit log; parked events.

Copies that exist already came from `case.created` before snapshots carried consents: they get
version 1 (any newer snapshot replaces them), status 'referred' and both consents granted — the
defaults every case had then. Afterwards the columns take the shared mixin's defaults.

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

# (column, type, value for the rows there already, the mixin's server default afterwards)
NEW_CASE_COLUMNS = (
    ("case_version", sa.Integer(), "1", "0"),
    ("status", sa.String(32), "referred", None),
    ("share_restrictions_with_employer", sa.Boolean(), "true", "false"),
    ("share_status_with_insurer", sa.Boolean(), "true", "false"),
)
ORG_COLUMNS = ("clinic_org_id", "employer_org_id", "insurer_org_id")


def upgrade() -> None:
    for name, type_, existing, default in NEW_CASE_COLUMNS:
        op.add_column("cases", sa.Column(name, type_, nullable=False, server_default=sa.text(_literal(existing))))
        op.alter_column("cases", name, server_default=sa.text(default) if default else None)
    for name in ORG_COLUMNS:
        op.create_index(f"ix_cases_{name}", "cases", [name])
    create_audit_log(op)
    create_parking_table(op)


def downgrade() -> None:
    op.drop_table("parked_events")
    drop_audit_log(op)
    for name in ORG_COLUMNS:
        op.drop_index(f"ix_cases_{name}", table_name="cases")
    for name, *_ in reversed(NEW_CASE_COLUMNS):
        op.drop_column("cases", name)


def _literal(value: str) -> str:
    return value if value in ("true", "false") or value.isdigit() else f"'{value}'"
