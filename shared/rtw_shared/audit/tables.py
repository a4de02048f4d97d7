"""The audit log table, the same in every service's database, and the migration steps that make it.

A trigger refuses UPDATE, DELETE and TRUNCATE, and the application role may only append (see
`run_env(append_only_tables=...)`); the hash chain (chain.py) shows any change made around both."""

from __future__ import annotations

from typing import TYPE_CHECKING

from sqlalchemy import BigInteger, Column, DateTime, Index, Integer, MetaData, String, Table, Text
from sqlalchemy.dialects.postgresql import ARRAY

if TYPE_CHECKING:
    from ..migrations import MigrationOps

metadata = MetaData()

audit_log = Table(
    "audit_log",
    metadata,
    Column("id", BigInteger, primary_key=True, autoincrement=True),  # chain order
    Column("at", DateTime(timezone=True), nullable=False),
    Column("subject", String(64)),
    Column("username", String(255)),
    Column("role", String(32)),
    Column("org_id", String(64)),
    Column("action", String(100), nullable=False),
    Column("method", String(16), nullable=False),
    Column("path", Text, nullable=False),
    Column("resource_type", String(32), nullable=False),
    Column("resource_id", String(64)),
    Column("outcome", String(16), nullable=False),
    Column("status_code", Integer, nullable=False),
    # Every case the request read or wrote (a list: each case it returned).
    Column("case_ids", ARRAY(Text)),
    Column("correlation_id", String(64)),
    Column("prev_hash", String(64), nullable=False),
    Column("hash", String(64), nullable=False),
    Index("ix_audit_log_subject", "subject", "id"),
    Index("ix_audit_log_case_ids", "case_ids", postgresql_using="gin"),
)

APPEND_ONLY_TABLES = ("audit_log",)

REFUSE_CHANGE = """
CREATE OR REPLACE FUNCTION audit_log_refuse_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'audit_log is append-only: % is not allowed', TG_OP
        USING ERRCODE = 'insufficient_privilege',
              HINT = 'Audit rows are never changed or removed; record what happened as a new row.';
END
$$
"""


def create_audit_log(op: MigrationOps) -> None:
    """For a service's migration: the audit log and the triggers that keep it append-only."""
    metadata.create_all(op.get_bind(), tables=[audit_log])
    protect_audit_log(op)


def protect_audit_log(op: MigrationOps) -> None:
    op.execute(REFUSE_CHANGE)
    op.execute(
        "CREATE TRIGGER audit_log_append_only BEFORE UPDATE OR DELETE ON audit_log "
        "FOR EACH ROW EXECUTE FUNCTION audit_log_refuse_change()"
    )
    op.execute(
        "CREATE TRIGGER audit_log_no_truncate BEFORE TRUNCATE ON audit_log "
        "FOR EACH STATEMENT EXECUTE FUNCTION audit_log_refuse_change()"
    )


def drop_audit_log(op: MigrationOps) -> None:
    op.drop_table("audit_log")  # its triggers go with it
    op.execute("DROP FUNCTION IF EXISTS audit_log_refuse_change()")
