"""Consent as its own record, the assigned therapist's email, and `changed_at` for `updated_since`.

- The JSONB `consents` becomes two boolean columns. Values are carried over as the code before
  read them: a missing or non-boolean employer consent meant not shared, a missing insurer
  consent meant shared.
- `case_consents` keeps every grant and withdrawal; each existing case starts its history with
  its two consents as recorded at intake by its therapist, at its creation time.
- `therapist_email` is taken from each case's own `case.created` event in the outbox, where intake
  wrote it (null where that row is gone): every event's case snapshot now carries it.
- `changed_at` starts as the latest of the case's and its status projection's `updated_at`; the
  list now filters and pages on it, by organisation (one index per reading role).

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-27
"""

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None

TENANT_COLUMNS = {"clinic": "clinic_org_id", "employer": "employer_org_id", "insurer": "insurer_org_id"}


def _flag(name: str, otherwise: str) -> str:
    """The stored boolean of consent `name`, or `otherwise` when it is missing or not a boolean."""
    return (
        f"CASE WHEN jsonb_typeof(consents->'{name}') = 'boolean' THEN (consents->>'{name}')::boolean "
        f"ELSE {otherwise} END"
    )


def upgrade() -> None:
    _consent_columns()
    _consent_history()
    op.add_column("cases", sa.Column("therapist_email", sa.String(320)))
    op.execute(
        "UPDATE cases c SET therapist_email = (o.payload::jsonb)->>'therapist_email' FROM outbox o "
        "WHERE o.event_type = 'rtw.case.created.v1' AND o.key = c.id::text"
    )
    _changed_at()


def _consent_columns() -> None:
    for name in ("share_restrictions_with_employer", "share_status_with_insurer"):
        op.add_column("cases", sa.Column(name, sa.Boolean, nullable=False, server_default=sa.text("true")))
    employer, insurer = _flag("share_restrictions_with_employer", "false"), _flag("share_status_with_insurer", "true")
    op.execute(f"UPDATE cases SET share_restrictions_with_employer = {employer}, share_status_with_insurer = {insurer}")
    op.drop_column("cases", "consents")


def _consent_history() -> None:
    op.create_table(
        "case_consents",
        sa.Column("id", sa.BigInteger, primary_key=True, autoincrement=True),
        sa.Column(
            "case_id",
            postgresql.UUID(as_uuid=True),
            sa.ForeignKey("cases.id", name="fk_case_consents_case_id_cases"),
            nullable=False,
        ),
        sa.Column("consent", sa.String(64), nullable=False),
        sa.Column("granted", sa.Boolean, nullable=False),
        sa.Column("evidence", sa.String(500)),
        sa.Column("changed_by_subject", sa.String(64), nullable=False),
        sa.Column("changed_by_username", sa.String(255), nullable=False),
        sa.Column("changed_at", sa.DateTime(timezone=True), nullable=False, server_default=sa.func.now()),
        sa.CheckConstraint(
            "consent IN ('share_restrictions_with_employer', 'share_status_with_insurer')",
            name="ck_case_consents_consent_known",
        ),
        sa.PrimaryKeyConstraint("id", name="pk_case_consents"),
    )
    op.create_index("ix_case_consents_case", "case_consents", ["case_id", "id"])
    op.execute(
        "INSERT INTO case_consents (case_id, consent, granted, changed_by_subject, changed_by_username, "
        "changed_at) SELECT id, name, CASE name WHEN 'share_restrictions_with_employer' "
        "THEN share_restrictions_with_employer ELSE share_status_with_insurer END, therapist_id, "
        "therapist_username, created_at FROM cases CROSS JOIN (VALUES ('share_restrictions_with_employer'), "
        "('share_status_with_insurer')) AS consent(name) ORDER BY created_at, id, name"
    )


def _changed_at() -> None:
    op.add_column("cases", sa.Column("changed_at", sa.DateTime(timezone=True)))
    # GREATEST ignores a null: a case without a projection keeps its own updated_at.
    op.execute(
        "UPDATE cases c SET changed_at = GREATEST(c.updated_at, "
        "(SELECT s.updated_at FROM case_status s WHERE s.case_id = c.id))"
    )
    op.alter_column("cases", "changed_at", nullable=False, server_default=sa.func.now())
    op.drop_index("ix_cases_updated", table_name="cases")
    for role, column in TENANT_COLUMNS.items():
        op.drop_index(f"ix_cases_{column}", table_name="cases")
        op.create_index(f"ix_cases_{role}_changed", "cases", [column, "changed_at", "id"])


def downgrade() -> None:
    for role, column in TENANT_COLUMNS.items():
        op.drop_index(f"ix_cases_{role}_changed", table_name="cases")
        op.create_index(f"ix_cases_{column}", "cases", [column])
    op.create_index("ix_cases_updated", "cases", ["updated_at", "id"])
    op.drop_column("cases", "changed_at")
    op.drop_column("cases", "therapist_email")
    op.drop_table("case_consents")
    op.add_column(
        "cases",
        sa.Column(
            "consents",
            postgresql.JSONB,
            nullable=False,
            server_default=sa.text(
                '\'{"share_restrictions_with_employer": true, "share_status_with_insurer": true}\'::jsonb'
            ),
        ),
    )
    op.execute(
        "UPDATE cases SET consents = jsonb_build_object("
        "'share_restrictions_with_employer', share_restrictions_with_employer, "
        "'share_status_with_insurer', share_status_with_insurer)"
    )
    op.drop_column("cases", "share_status_with_insurer")
    op.drop_column("cases", "share_restrictions_with_employer")
