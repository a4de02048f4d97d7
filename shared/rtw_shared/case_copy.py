"""Every service's copy of a case, kept from intake's events by one rule: the newest snapshot wins.

Each intake event carries a `CaseSnapshot` with the case's version after the change. A service
declares its copy with `CaseCopyMixin` (plus any columns of its own) and applies its events'
snapshots with `apply_case_events` (a snapshot of its own with `upsert_case_copy`): one statement
that inserts each copy, or overwrites it only when the snapshot is newer — so an older event that
arrives late (a redelivery, a replayed dead letter) changes nothing, and two consumers racing
cannot interleave their columns."""

from __future__ import annotations

import uuid
from collections.abc import Callable, Mapping
from datetime import datetime

from sqlalchemy import Boolean, DateTime, Integer, String, func, text
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.orm import Mapped, Session, mapped_column

from .access import CaseParties
from .events.catalogue import CaseCreatedV1, CaseEvent, CaseSnapshot, Consents


class CaseCopyMixin:
    """The columns every case copy has; they are also what `rtw_shared.access` decides on."""

    case_id: Mapped[uuid.UUID] = mapped_column(primary_key=True)
    # The intake version of the snapshot applied last.
    case_version: Mapped[int] = mapped_column(Integer, server_default=text("0"))
    reference: Mapped[str] = mapped_column(String(32))
    status: Mapped[str] = mapped_column(String(32))
    clinic_org_id: Mapped[str] = mapped_column(String(64), index=True)
    employer_org_id: Mapped[str] = mapped_column(String(64), index=True)
    insurer_org_id: Mapped[str] = mapped_column(String(64), index=True)
    therapist_id: Mapped[str] = mapped_column(String(64))
    share_restrictions_with_employer: Mapped[bool] = mapped_column(Boolean, server_default=text("false"))
    share_status_with_insurer: Mapped[bool] = mapped_column(Boolean, server_default=text("false"))
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())


def snapshot_of(event: CaseEvent) -> CaseSnapshot | None:
    """The snapshot an intake event carries; for a `case.created` written before snapshots existed,
    the one its own fields describe (version 1, the default consents)."""
    if event.case is not None:
        return event.case
    if isinstance(event, CaseCreatedV1):
        return CaseSnapshot(
            version=1,
            reference=event.reference,
            status=event.status,
            clinic_org_id=event.clinic_org_id,
            employer_org_id=event.employer_org_id,
            insurer_org_id=event.insurer_org_id,
            therapist_id=event.therapist_id,
            therapist_email=event.therapist_email,
            consents=Consents(),
        )
    return None


def copy_values(case_id: uuid.UUID, snapshot: CaseSnapshot) -> dict[str, object]:
    """The mixin's columns for `snapshot`."""
    return {
        "case_id": case_id,
        "case_version": snapshot.version,
        "reference": snapshot.reference,
        "status": snapshot.status,
        "clinic_org_id": snapshot.clinic_org_id,
        "employer_org_id": snapshot.employer_org_id,
        "insurer_org_id": snapshot.insurer_org_id,
        "therapist_id": snapshot.therapist_id,
        "share_restrictions_with_employer": snapshot.consents.share_restrictions_with_employer,
        "share_status_with_insurer": snapshot.consents.share_status_with_insurer,
    }


def parties_of(snapshot: CaseSnapshot, case_id: uuid.UUID | None = None) -> CaseParties:
    """What `rtw_shared.access` decides on, as `snapshot` describes the case (before any copy holds it)."""
    return CaseParties(
        case_id=case_id,
        clinic_org_id=snapshot.clinic_org_id,
        employer_org_id=snapshot.employer_org_id,
        insurer_org_id=snapshot.insurer_org_id,
        share_restrictions_with_employer=snapshot.consents.share_restrictions_with_employer,
        share_status_with_insurer=snapshot.consents.share_status_with_insurer,
    )


def upsert_case_copy(
    session: Session, model: type[CaseCopyMixin], case_id: uuid.UUID, snapshot: CaseSnapshot, **extra: object
) -> bool:
    """Insert the copy or overwrite it with a newer snapshot; True when this snapshot was applied.

    `extra` sets a service's own columns from the same snapshot (they follow the same rule)."""
    return bool(_upsert(session, model, [{**copy_values(case_id, snapshot), **extra}]))


def apply_case_events(
    session: Session,
    model: type[CaseCopyMixin],
    events: list[CaseEvent],
    extra_of: Callable[[CaseSnapshot], Mapping[str, object]] | None = None,
) -> set[uuid.UUID]:
    """Apply the snapshots `events` carry (`snapshot_of`) in one statement: the ids of the copies
    it changed. `extra_of(snapshot)`: the service's own columns, as `extra` is for `upsert_case_copy`.

    Only each case's newest snapshot can win, so it alone is offered (one statement cannot touch a
    row twice): the copies end as applying the events one by one would leave them. One event is a
    list of one."""
    newest: dict[uuid.UUID, CaseSnapshot] = {}
    for event in events:
        snapshot = snapshot_of(event)
        if snapshot is not None and (event.case_id not in newest or snapshot.version > newest[event.case_id].version):
            newest[event.case_id] = snapshot
    if not newest:
        return set()
    return _upsert(
        session,
        model,
        [{**copy_values(case_id, s), **(extra_of(s) if extra_of else {})} for case_id, s in newest.items()],
    )


def _upsert(session: Session, model: type[CaseCopyMixin], rows: list[dict[str, object]]) -> set[uuid.UUID]:
    insert = pg_insert(model).values(rows)
    changed = {name: insert.excluded[name] for name in rows[0] if name != "case_id"}
    statement = insert.on_conflict_do_update(
        index_elements=[model.case_id],
        set_={**changed, "updated_at": func.now()},
        where=model.case_version < insert.excluded.case_version,
    ).returning(model.case_id)
    return set(session.execute(statement).scalars())
