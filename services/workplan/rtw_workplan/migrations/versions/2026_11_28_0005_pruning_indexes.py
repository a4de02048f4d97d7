"""Indexes on the outbox's published_at and the inbox's processed_at, which the worker's pruning
deletes by (rtw_shared.messaging.pruning). A database created after they were declared has them.

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-28
"""

from alembic import op

from rtw_shared.event_tables import create_pruning_indexes, drop_pruning_indexes

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    create_pruning_indexes(op)


def downgrade() -> None:
    drop_pruning_indexes(op)
