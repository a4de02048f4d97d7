"""Every query intake makes about cases, their consent history and their assessments."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import cast

from sqlalchemy import ColumnElement, Table, exists, func, or_, select, tuple_, update
from sqlalchemy.orm import Session, aliased

from rtw_shared import access
from rtw_shared.access import Part
from rtw_shared.auth import Principal

from .models import Assessment, Case, ConsentChange, reference_sequence
from .status_machine import FINAL

ENDED = sorted(FINAL)


def get(session: Session, case_id: uuid.UUID, *, for_update: bool = False) -> Case | None:
    """The case by id; `for_update` locks its row until the transaction ends (writes)."""
    return session.get(Case, case_id, with_for_update=for_update or None)


def has_case(session: Session, case_id: uuid.UUID) -> bool:
    """Whether intake has this case."""
    return bool(session.scalar(select(exists().where(Case.__table__.c.id == case_id))))


def mark_changed(session: Session, case_id: uuid.UUID) -> None:
    """Tell `updated_since` readers that something they see of the case changed elsewhere (its plan,
    accommodation or assessments) — a Core UPDATE, so neither the case's optimistic version nor its
    own updated_at moves."""
    cases = cast(Table, Case.__table__)  # a mapped class's table (typed as any FromClause)
    session.execute(
        update(cases).where(cases.c.id == case_id).values(changed_at=func.now(), updated_at=cases.c.updated_at)
    )


def next_reference(session: Session, year: int) -> str:
    """The next human reference, e.g. RTW-2026-000123."""
    number = session.execute(reference_sequence.next_value()).scalar_one()
    return f"RTW-{year}-{number:06d}"


def lock_claim(session: Session, insurer_org_id: str, claim_number: str) -> None:
    """Serialise, until the transaction ends, every registration of this insurer's claim number (two
    therapists registering it at once: the second sees the first's case)."""
    key = f"claim:{insurer_org_id}:{claim_number}"
    session.execute(select(func.pg_advisory_xact_lock(func.hashtextextended(key, 0))))


def open_case_with_claim(session: Session, insurer_org_id: str, claim_number: str) -> Case | None:
    """The insurer's case, neither closed nor withdrawn, that carries `claim_number` (the oldest, if several)."""
    query = (
        select(Case)
        .where(
            Case.insurer_org_id == insurer_org_id,
            Case.claim["claim_number"].astext == claim_number,
            Case.status.not_in(ENDED),
        )
        .order_by(Case.created_at)
        .limit(1)
    )
    return session.scalars(query).first()


def list_visible(
    session: Session,
    *,
    principal: Principal,
    status: str | None,
    changed_since: datetime | None,
    after: tuple[datetime, uuid.UUID] | None,
    limit: int,
    claim_number: str | None = None,
    reference: str | None = None,
    search: str | None = None,
    assigned_to: str | None = None,
) -> list[Case]:
    """Cases the caller may see (the shared decision as SQL: organisation and consent), most recently
    changed first, keyset-paginated on (changed_at, id) — the order of the ix_cases_*_changed indexes;
    `claim_number` and `reference` match exactly; `search` matches part of the worker's name in any case,
    or the claim number or reference exactly; `assigned_to`: the assigned therapist's subject."""
    query = select(Case).where(access.sql_condition(principal, Case, Part.CASE))
    if search:
        query = query.where(_matches(search.strip()))
    if assigned_to:
        query = query.where(Case.therapist_id == assigned_to)
    if status:
        query = query.where(Case.status == status)
    if claim_number:
        query = query.where(Case.claim["claim_number"].astext == claim_number)
    if reference:
        query = query.where(Case.reference == reference)
    if changed_since:
        query = query.where(Case.changed_at >= changed_since)
    if after:
        query = query.where(tuple_(Case.changed_at, Case.id) < tuple_(*after))
    query = query.order_by(Case.changed_at.desc(), Case.id.desc()).limit(limit)
    return list(session.scalars(query))


def _matches(search: str) -> ColumnElement[bool]:
    """Part of the worker's name ("lopez", "maria lo"), or the claim number or reference exactly."""
    pattern = "%" + search.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
    given, family = Case.worker["given_name"].astext, Case.worker["family_name"].astext
    return or_(
        (given + " " + family).ilike(pattern, escape="\\"),
        (family + " " + given).ilike(pattern, escape="\\"),
        Case.claim["claim_number"].astext == search,
        Case.reference == search.upper(),
    )


def add_consent_change(
    session: Session, *, case_id: uuid.UUID, consent: str, granted: bool, evidence: str | None, principal: Principal
) -> ConsentChange:
    """Append one grant or withdrawal by `principal` (in the caller's transaction)."""
    change = ConsentChange(
        case_id=case_id,
        consent=consent,
        granted=granted,
        evidence=evidence,
        changed_by_subject=principal.subject,
        changed_by_username=principal.username,
    )
    session.add(change)
    return change


def consent_history(session: Session, case_id: uuid.UUID) -> list[ConsentChange]:
    """Every grant and withdrawal of the case's consents, oldest first."""
    return list(
        session.scalars(select(ConsentChange).where(ConsentChange.case_id == case_id).order_by(ConsentChange.id))
    )


def assessments_of(session: Session, case_id: uuid.UUID) -> list[Assessment]:
    """The case's assessments, oldest first."""
    return list(
        session.scalars(
            select(Assessment)
            .where(Assessment.case_id == case_id)
            .order_by(Assessment.assessed_on, Assessment.created_at)
        )
    )


def latest_assessments_with_counts(session: Session, case_ids: list[uuid.UUID]) -> list[tuple[Assessment, int]]:
    """Each case's newest assessment (by date) and how many it has; cases without any are absent."""
    if not case_ids:
        return []
    newest_first = (Assessment.assessed_on.desc(), Assessment.created_at.desc())
    ranked = (
        select(
            Assessment,
            func.count().over(partition_by=Assessment.case_id).label("count"),
            func.row_number().over(partition_by=Assessment.case_id, order_by=newest_first).label("rank"),
        )
        .where(Assessment.case_id.in_(case_ids))
        .subquery()
    )
    latest = aliased(Assessment, ranked)
    return [
        (assessment, count)
        for assessment, count in session.execute(select(latest, ranked.c.count).where(ranked.c.rank == 1)).all()
    ]
