"""Every query on the audit log. Works on a Session or a Connection alike (both `.execute`)."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

from sqlalchemy import func, insert, select, text
from sqlalchemy.orm import Session

from . import chain
from .models import AuditEntry

audit_log = AuditEntry.__table__
# Any fixed key will do: it only has to be the same in every process appending to this database.
CHAIN_LOCK_KEY = 0x52_54_57_41_55_44  # "RTWAUD"


def append(conn, content: Mapping[str, Any]) -> int:
    """Link `content` (every chain field but id) to the newest row and insert it; the caller commits.

    The transaction-scoped advisory lock makes appends take turns, so two requests never link to
    the same predecessor; it is released by the commit that makes the row visible."""
    conn.execute(select(func.pg_advisory_xact_lock(CHAIN_LOCK_KEY)))
    prev_hash = conn.execute(select(audit_log.c.hash).order_by(audit_log.c.id.desc()).limit(1)).scalar()
    row_id = conn.execute(text("SELECT nextval(pg_get_serial_sequence('audit_log', 'id'))")).scalar_one()
    row = {**content, "id": row_id, "prev_hash": prev_hash or chain.GENESIS_HASH}
    row["hash"] = chain.link_hash(row["prev_hash"], row)
    conn.execute(insert(audit_log).values(**row))
    return row_id


def newest_first(session: Session, *, subject: str | None, case_id: str | None, before_id: int | None,
                 limit: int) -> list[AuditEntry]:
    """Up to `limit` rows, newest first, optionally only one subject's and one case's, below an id."""
    query = select(AuditEntry)
    if subject is not None:
        query = query.where(AuditEntry.subject == subject)
    if case_id is not None:
        query = query.where(AuditEntry.resource_type == "case", AuditEntry.resource_id == case_id)
    if before_id is not None:
        query = query.where(AuditEntry.id < before_id)
    return list(session.scalars(query.order_by(AuditEntry.id.desc()).limit(limit)))


def chain_rows(conn) -> Iterator[Mapping[str, Any]]:
    """Every row in chain order, streamed in batches (one statement, so one consistent snapshot)."""
    query = select(audit_log).order_by(audit_log.c.id).execution_options(yield_per=1000)
    return iter(conn.execute(query).mappings())
