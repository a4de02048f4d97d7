"""Initial schema: case copies, notifications, outgoing email, outbox and inbox.

Revision ID: 0001
Revises:
Create Date: 2026-11-26
"""

from datetime import datetime

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

from rtw_shared.event_tables import create_messaging_tables, drop_messaging_tables

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def _timestamps() -> list[sa.Column[datetime]]:
    return [
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False, server_default=sa.func.now()),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False, server_default=sa.func.now()),
    ]


def upgrade() -> None:
    op.create_table(
        "cases",
        sa.Column("case_id", postgresql.UUID(as_uuid=True), primary_key=True),
        sa.Column("reference", sa.String(32), nullable=False),
        sa.Column("therapist_id", sa.String(64), nullable=False),
        sa.Column("therapist_email", sa.String(320)),
        sa.Column("clinic_org_id", sa.String(64), nullable=False),
        sa.Column("employer_org_id", sa.String(64), nullable=False),
        sa.Column("insurer_org_id", sa.String(64), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False, server_default=sa.func.now()),
    )
    op.create_table(
        "notifications",
        sa.Column("id", postgresql.UUID(as_uuid=True), primary_key=True),
        sa.Column("recipient_user_id", sa.String(64)),
        sa.Column("recipient_org_id", sa.String(64)),
        sa.Column("recipient_role", sa.String(32)),
        sa.Column("kind", sa.String(64), nullable=False),
        sa.Column("title", sa.String(200), nullable=False),
        sa.Column("body", sa.Text, nullable=False),
        sa.Column("case_id", postgresql.UUID(as_uuid=True), nullable=False),
        sa.Column("accommodation_id", postgresql.UUID(as_uuid=True)),
        sa.Column("trigger_event_id", postgresql.UUID(as_uuid=True), nullable=False),
        sa.Column("trigger_event_type", sa.String(200), nullable=False),
        sa.Column("read_at", sa.DateTime(timezone=True)),
        *_timestamps(),
    )
    op.create_index("ix_notifications_user", "notifications", ["recipient_user_id", "created_at"])
    op.create_index("ix_notifications_org_role", "notifications", ["recipient_org_id", "recipient_role", "created_at"])
    _create_emails()
    create_messaging_tables(op)


def _create_emails() -> None:
    op.create_table(
        "emails",
        sa.Column("id", postgresql.UUID(as_uuid=True), primary_key=True),
        sa.Column("idempotency_key", sa.String(200), nullable=False, unique=True),
        sa.Column("notification_id", postgresql.UUID(as_uuid=True), sa.ForeignKey("notifications.id"), nullable=False),
        sa.Column("case_id", postgresql.UUID(as_uuid=True), nullable=False),
        sa.Column("trigger_event_type", sa.String(200), nullable=False),
        sa.Column("recipient", sa.String(320), nullable=False),
        sa.Column("subject", sa.String(300), nullable=False),
        sa.Column("body", sa.Text, nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("attempts", sa.Integer, nullable=False),
        sa.Column("last_error", sa.Text),
        sa.Column("next_attempt_at", sa.DateTime(timezone=True), nullable=False, server_default=sa.func.now()),
        sa.Column("sent_at", sa.DateTime(timezone=True)),
        *_timestamps(),
    )
    op.create_index("ix_emails_due", "emails", ["next_attempt_at"], postgresql_where=sa.text("status = 'pending'"))


def downgrade() -> None:
    drop_messaging_tables(op)
    op.drop_table("emails")
    op.drop_table("notifications")
    op.drop_table("cases")
