"""Every query of the directory of organisations."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from sqlalchemy import delete, exists, select
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.orm import Session

from .models import Organisation
from .realm import Entry


def listed(session: Session, kind: str | None) -> list[Organisation]:
    """The organisations of `kind` (every kind when None), by kind then id."""
    query = select(Organisation).order_by(Organisation.kind, Organisation.id)
    if kind:
        query = query.where(Organisation.kind == kind)
    return list(session.scalars(query))


def is_known(session: Session, kind: str, org_id: str) -> bool:
    """Whether the directory holds `org_id` as an organisation of `kind`."""
    found = session.scalar(select(exists().where(Organisation.kind == kind, Organisation.id == org_id)))
    return bool(found)


def upsert(session: Session, entries: Iterable[Entry], *, seen_at: datetime) -> None:
    """Add or rename what the realm holds, stamped `seen_at` (in key order: two writers never deadlock)."""
    rows = [{"kind": e.kind, "id": e.id, "name": e.name, "seen_at": seen_at} for e in sorted(entries)]
    if not rows:
        return
    statement = pg_insert(Organisation).values(rows)
    session.execute(
        statement.on_conflict_do_update(
            index_elements=[Organisation.kind, Organisation.id],
            set_={"name": statement.excluded.name, "seen_at": statement.excluded.seen_at},
        )
    )


def remove_unseen(session: Session, *, since: datetime) -> int:
    """Drop the organisations no read of the realm found since `since`; how many."""
    removed = session.execute(delete(Organisation).where(Organisation.seen_at < since))
    count: int = removed.rowcount  # type: ignore[attr-defined]
    return count
