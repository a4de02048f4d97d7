"""Writing and reading a case's timeline."""

from __future__ import annotations

import uuid

from rtw_shared.uow import UnitOfWork

from . import repository
from .models import SUMMARY_MAX_CHARS, TimelineEntry


def record(
    uow: UnitOfWork,
    *,
    case_id: uuid.UUID,
    kind: str,
    summary: str,
    actor: str | None = None,
    data: dict[str, object] | None = None,
) -> None:
    """Append one entry (in the caller's transaction, written at its commit: nothing reads it back before)."""
    # Summaries quote other services' reasons, whose length intake does not control.
    if len(summary) > SUMMARY_MAX_CHARS:
        summary = summary[: SUMMARY_MAX_CHARS - 1] + "…"
    uow.on_commit(repository.entry(case_id=case_id, kind=kind, summary=summary, actor=actor, data=data or {}))


def entries(*, uow: UnitOfWork, case_id: uuid.UUID) -> list[TimelineEntry]:
    """Every entry of the case, oldest first."""
    return repository.for_case(uow.session, case_id)
