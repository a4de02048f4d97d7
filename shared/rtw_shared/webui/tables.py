"""The migration steps that create (and drop) a web UI's two tables, exactly as `models` describes them:
`{prefix}_logins` and `{prefix}_sessions` (with `ix_{prefix}_sessions_last_seen_at`). A service's
migration calls them with its UI's name; its migrations test checks the schema against the models."""

from __future__ import annotations

from typing import TYPE_CHECKING

from sqlalchemy import Column, DateTime, Index, MetaData, String, Table, Text, func

if TYPE_CHECKING:
    from ..migrations import MigrationOps


def session_tables(prefix: str) -> tuple[Table, Table]:
    """The sign-ins and sessions tables of the UI named `prefix`, as they are created."""
    metadata = MetaData()
    logins = Table(
        f"{prefix}_logins",
        metadata,
        Column("id_sha256", String(64), primary_key=True),
        Column("state", String(128), nullable=False),
        Column("nonce", String(128), nullable=False),
        Column("code_verifier", String(128), nullable=False),
        Column("return_to", String(500), nullable=False),
        Column("created_at", DateTime(timezone=True), nullable=False, server_default=func.now()),
    )
    sessions = Table(
        f"{prefix}_sessions",
        metadata,
        Column("id_sha256", String(64), primary_key=True),
        Column("subject", String(64), nullable=False),
        Column("username", String(255), nullable=False),
        Column("csrf_token", String(64), nullable=False),
        Column("access_token", Text, nullable=False),
        Column("access_expires_at", DateTime(timezone=True), nullable=False),
        Column("refresh_token", Text),
        Column("id_token", Text, nullable=False),
        Column("created_at", DateTime(timezone=True), nullable=False, server_default=func.now()),
        Column("last_seen_at", DateTime(timezone=True), nullable=False, server_default=func.now()),
        Index(f"ix_{prefix}_sessions_last_seen_at", "last_seen_at"),
    )
    return logins, sessions


def create_session_tables(op: MigrationOps, prefix: str) -> None:
    """For a service's migration: the UI's sign-ins in progress and its sessions."""
    logins, sessions = session_tables(prefix)
    logins.metadata.create_all(op.get_bind(), tables=[logins, sessions])


def drop_session_tables(op: MigrationOps, prefix: str) -> None:
    """For the migration's downgrade: the two tables gone."""
    op.drop_index(f"ix_{prefix}_sessions_last_seen_at", table_name=f"{prefix}_sessions")
    op.drop_table(f"{prefix}_sessions")
    op.drop_table(f"{prefix}_logins")
