"""The case copy keeps intake's snapshot (version, status, the worker's consents) and plans are
authorized from it alone; plans get a row revision for optimistic concurrency (ETag / If-Match).

Existing copies came from `case.created`, which carried neither consents nor a version: they get
what intake's snapshot of a new case says (version 1, status referred, both consents granted, as
intake's defaults), and the next snapshot from intake overwrites them. The plans' own copies of
the case's organisations are dropped: the case copy is the one source of who may see a plan.

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-27
"""

from typing import Any

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None

PLAN_ORG_COLUMNS = ("clinic_org_id", "insurer_org_id", "employer_org_id", "therapist_id")
INDEXED_CASE_COLUMNS = ("clinic_org_id", "employer_org_id", "insurer_org_id")


def _add_filled(table: str, column: sa.Column[Any], existing: str, default: str | None) -> None:
    """Add a NOT NULL column, fill the existing rows with `existing`, then keep the model's default."""
    column.server_default = sa.DefaultClause(sa.text(existing))
    op.add_column(table, column)
    op.alter_column(table, column.name, server_default=sa.text(default) if default is not None else None)


def upgrade() -> None:
    _add_filled("cases", sa.Column("case_version", sa.Integer, nullable=False), "1", "0")
    _add_filled("cases", sa.Column("status", sa.String(32), nullable=False), "'referred'", None)
    for consent in ("share_restrictions_with_employer", "share_status_with_insurer"):
        _add_filled("cases", sa.Column(consent, sa.Boolean, nullable=False), "true", "false")
    op.add_column(
        "cases", sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False, server_default=sa.func.now())
    )
    for column in INDEXED_CASE_COLUMNS:
        op.create_index(f"ix_cases_{column}", "cases", [column])
    op.add_column("plans", sa.Column("revision", sa.Integer, nullable=False, server_default=sa.text("1")))
    for column in PLAN_ORG_COLUMNS:  # their indexes go with them
        op.drop_column("plans", column)


def downgrade() -> None:
    for column in PLAN_ORG_COLUMNS:
        op.add_column("plans", sa.Column(column, sa.String(64)))
    op.execute(
        "UPDATE plans SET clinic_org_id = c.clinic_org_id, insurer_org_id = c.insurer_org_id, "
        "employer_org_id = c.employer_org_id, therapist_id = c.therapist_id "
        "FROM cases AS c WHERE c.case_id = plans.case_id"
    )
    for column in PLAN_ORG_COLUMNS:
        op.alter_column("plans", column, nullable=False)
    op.create_index("ix_plans_clinic_org_id", "plans", ["clinic_org_id"])
    op.create_index("ix_plans_insurer_org_id", "plans", ["insurer_org_id"])
    op.drop_column("plans", "revision")
    for column in INDEXED_CASE_COLUMNS:
        op.drop_index(f"ix_cases_{column}", "cases")
    for column in (
        "updated_at",
        "share_status_with_insurer",
        "share_restrictions_with_employer",
        "status",
        "case_version",
    ):
        op.drop_column("cases", column)
