"""Every query on a case's timeline."""

from __future__ import annotations

import uuid

from psycopg.types.json import Jsonb
from sqlalchemy import select
from sqlalchemy.orm import Session

from rtw_shared.db import Statement

from .models import TimelineEntry

ADD = (
    "INSERT INTO case_timeline (case_id, kind, summary, actor, data) "
    "VALUES (%(case_id)s, %(kind)s, %(summary)s, %(actor)s, %(data)s)"
)


def entry(*, case_id: uuid.UUID, kind: str, summary: str, actor: str | None, data: dict[str, object]) -> Statement:
    """The statement appending one entry (stamped by the database's clock when its transaction began, as
    the column's default always did), for the Unit of Work to run at commit."""
    return ADD, {"case_id": case_id, "kind": kind, "summary": summary, "actor": actor, "data": Jsonb(data)}


def for_case(session: Session, case_id: uuid.UUID) -> list[TimelineEntry]:
    """Every entry of the case, oldest first."""
    return list(
        session.scalars(select(TimelineEntry).where(TimelineEntry.case_id == case_id).order_by(TimelineEntry.id))
    )
