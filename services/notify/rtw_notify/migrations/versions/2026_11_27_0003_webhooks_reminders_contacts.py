"""Webhooks and their deliveries, durable timers, organisation contacts and email preferences,
read state per person, HTML email parts, and notifications about no case.

Read state moves from the notification to the person: a notification addressed to one person that
was read keeps its read time for that person. One addressed to an organisation does not say who
read it, so it shows as unread again to each member — the price of per-person read state, paid once.

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-27
"""

from datetime import datetime

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

from rtw_shared.timers import create_timers_table

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None

UUID = postgresql.UUID(as_uuid=True)


def _now(name: str) -> sa.Column[datetime]:
    return sa.Column(name, sa.DateTime(timezone=True), nullable=False, server_default=sa.func.now())


def upgrade() -> None:
    _read_state_per_person()
    op.alter_column("notifications", "case_id", nullable=True)
    op.alter_column("emails", "case_id", nullable=True)
    op.add_column("emails", sa.Column("kind", sa.String(64)))
    op.add_column("emails", sa.Column("html_body", sa.Text))
    _contacts_and_preferences()
    _webhooks()
    create_timers_table(op)


def _read_state_per_person() -> None:
    op.create_table(
        "notification_reads",
        sa.Column("notification_id", UUID, sa.ForeignKey("notifications.id"), primary_key=True),
        sa.Column("subject", sa.String(64), primary_key=True),
        _now("read_at"),
    )
    op.execute(
        "INSERT INTO notification_reads (notification_id, subject, read_at) "
        "SELECT id, recipient_user_id, read_at FROM notifications "
        "WHERE read_at IS NOT NULL AND recipient_user_id IS NOT NULL"
    )
    op.drop_column("notifications", "read_at")


def _contacts_and_preferences() -> None:
    op.create_table(
        "org_contacts",
        sa.Column("id", UUID, primary_key=True),
        sa.Column("org_id", sa.String(64), nullable=False),
        sa.Column("email", sa.String(320), nullable=False),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("created_by", sa.String(255), nullable=False),
        _now("created_at"),
        _now("updated_at"),
    )
    op.create_index("uq_org_contacts_org_email", "org_contacts", ["org_id", sa.text("lower(email)")], unique=True)
    op.create_table(
        "email_preferences",
        sa.Column("subject", sa.String(64), primary_key=True),
        sa.Column("email", sa.String(320), nullable=False),
        sa.Column("disabled_kinds", postgresql.JSONB, nullable=False),
        sa.Column("version", sa.Integer, nullable=False),
        _now("created_at"),
        _now("updated_at"),
    )
    op.create_index("ix_email_preferences_email", "email_preferences", ["email"])


def _webhooks() -> None:
    op.create_table(
        "webhooks",
        sa.Column("id", UUID, primary_key=True),
        sa.Column("org_id", sa.String(64), nullable=False),
        sa.Column("org_role", sa.String(32), nullable=False),
        sa.Column("url", sa.String(2000), nullable=False),
        sa.Column("events", postgresql.JSONB, nullable=False),
        sa.Column("description", sa.String(500), nullable=False),
        sa.Column("secret", sa.String(100), nullable=False),
        sa.Column("previous_secret", sa.String(100)),
        sa.Column("previous_secret_expires_at", sa.DateTime(timezone=True)),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("disabled_reason", sa.String(500)),
        sa.Column("disabled_at", sa.DateTime(timezone=True)),
        sa.Column("created_by", sa.String(255), nullable=False),
        sa.Column("version", sa.Integer, nullable=False),
        sa.Column("deleted_at", sa.DateTime(timezone=True)),
        _now("created_at"),
        _now("updated_at"),
    )
    op.create_index("ix_webhooks_org_id", "webhooks", ["org_id"])
    op.create_table(
        "webhook_deliveries",
        sa.Column("id", UUID, primary_key=True),
        sa.Column("webhook_id", UUID, sa.ForeignKey("webhooks.id"), nullable=False),
        sa.Column("event_id", UUID, nullable=False),
        sa.Column("event_type", sa.String(200), nullable=False),
        sa.Column("event_source", sa.String(200), nullable=False),
        sa.Column("event_time", sa.DateTime(timezone=True), nullable=False),
        sa.Column("case_id", UUID, nullable=False),
        sa.Column("event_data", postgresql.JSONB, nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("attempts", sa.Integer, nullable=False),
        sa.Column("next_attempt_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("last_status_code", sa.Integer),
        sa.Column("last_latency_ms", sa.Float),
        sa.Column("last_error", sa.Text),
        sa.Column("delivered_at", sa.DateTime(timezone=True)),
        _now("created_at"),
        _now("updated_at"),
        sa.UniqueConstraint("webhook_id", "event_id", name="uq_webhook_deliveries_webhook_event"),
    )
    op.create_index(
        "ix_webhook_deliveries_due",
        "webhook_deliveries",
        ["next_attempt_at"],
        postgresql_where=sa.text("status = 'pending'"),
    )
    op.create_index("ix_webhook_deliveries_webhook", "webhook_deliveries", ["webhook_id", "created_at"])
    op.create_table(
        "webhook_attempts",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("delivery_id", UUID, sa.ForeignKey("webhook_deliveries.id"), nullable=False),
        sa.Column("attempted_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("status_code", sa.Integer),
        sa.Column("latency_ms", sa.Float, nullable=False),
        sa.Column("error", sa.Text),
    )
    op.create_index("ix_webhook_attempts_delivery_id", "webhook_attempts", ["delivery_id"])


def downgrade() -> None:
    op.drop_table("timers")
    op.drop_table("webhook_attempts")
    op.drop_table("webhook_deliveries")
    op.drop_table("webhooks")
    op.drop_table("email_preferences")
    op.drop_table("org_contacts")
    op.drop_column("emails", "html_body")
    op.drop_column("emails", "kind")
    # Rows about no case cannot exist in the older schema.
    op.execute("DELETE FROM emails WHERE case_id IS NULL")
    op.execute(
        "DELETE FROM notification_reads WHERE notification_id IN (SELECT id FROM notifications WHERE case_id IS NULL)"
    )
    op.execute("DELETE FROM notifications WHERE case_id IS NULL")
    op.alter_column("emails", "case_id", nullable=False)
    op.alter_column("notifications", "case_id", nullable=False)
    op.add_column("notifications", sa.Column("read_at", sa.DateTime(timezone=True)))
    op.execute(
        "UPDATE notifications n SET read_at = r.read_at FROM notification_reads r "
        "WHERE r.notification_id = n.id AND r.subject = n.recipient_user_id"
    )
    op.drop_table("notification_reads")
