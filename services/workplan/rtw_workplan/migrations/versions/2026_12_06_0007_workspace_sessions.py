"""The therapist's workspace (/clinic): its sign-ins in progress and signed-in sessions, the same tables
every web UI keeps (rtw_shared.webui.tables): `clinic_logins`, `clinic_sessions`.

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-06
"""

from __future__ import annotations

from alembic import op

from rtw_shared.webui.tables import create_session_tables, drop_session_tables

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade() -> None:
    create_session_tables(op, "clinic")


def downgrade() -> None:
    drop_session_tables(op, "clinic")
