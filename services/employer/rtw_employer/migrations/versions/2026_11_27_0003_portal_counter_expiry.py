"""The employer portal's sign-ins and sessions; a request remembers who accepted its counter-proposal
and the hash of what was agreed; durable timers, so a request expires at the end of its due date.

Requests still `requested` when this runs get their expiry timer here (the end of their due date,
UTC), as a request opened from now on gets it when it is created.

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-27
"""

from typing import Any

import sqlalchemy as sa
from alembic import op

from rtw_shared.timers import create_timers_table

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None

COUNTER_COLUMNS: dict[str, sa.types.TypeEngine[Any]] = {
    "counter_accepted_by": sa.String(64),
    "counter_accepted_by_username": sa.String(255),
    "counter_accepted_at": sa.DateTime(timezone=True),
    "agreement_sha256": sa.String(64),
}


def upgrade() -> None:
    for name, type_ in COUNTER_COLUMNS.items():
        op.add_column("accommodation_requests", sa.Column(name, type_))
    create_timers_table(op)
    # Same key, kind and due time as rtw_employer.accommodations.expiry.schedule_expiry.
    op.execute(
        "INSERT INTO timers (key, kind, due_at, subject_id) "
        "SELECT 'accommodation-expiry:' || id, 'accommodation-expiry', "
        "(due_date + 1)::timestamp AT TIME ZONE 'UTC', id FROM accommodation_requests WHERE status = 'requested'"
    )
    op.create_table(
        "portal_logins",
        sa.Column("id_sha256", sa.String(64), primary_key=True),
        sa.Column("state", sa.String(128), nullable=False),
        sa.Column("nonce", sa.String(128), nullable=False),
        sa.Column("code_verifier", sa.String(128), nullable=False),
        sa.Column("return_to", sa.String(500), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False, server_default=sa.func.now()),
    )
    op.create_table(
        "portal_sessions",
        sa.Column("id_sha256", sa.String(64), primary_key=True),
        sa.Column("subject", sa.String(64), nullable=False),
        sa.Column("username", sa.String(255), nullable=False),
        sa.Column("csrf_token", sa.String(64), nullable=False),
        sa.Column("access_token", sa.Text, nullable=False),
        sa.Column("access_expires_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("refresh_token", sa.Text),
        sa.Column("id_token", sa.Text, nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False, server_default=sa.func.now()),
        sa.Column("last_seen_at", sa.DateTime(timezone=True), nullable=False, server_default=sa.func.now()),
    )
    op.create_index("ix_portal_sessions_last_seen_at", "portal_sessions", ["last_seen_at"])


def downgrade() -> None:
    op.drop_index("ix_portal_sessions_last_seen_at", table_name="portal_sessions")
    op.drop_table("portal_sessions")
    op.drop_table("portal_logins")
    op.drop_table("timers")
    for name in reversed(COUNTER_COLUMNS):
        op.drop_column("accommodation_requests", name)
