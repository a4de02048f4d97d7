"""Every query intake makes about cases, their consent history and their assessments."""

from __future__ import annotations

import json
import uuid
from datetime import datetime
from typing import Any, cast

from psycopg.types.json import Jsonb
from sqlalchemy import ColumnElement, Table, exists, func, or_, select, tuple_, update
from sqlalchemy.orm import Session, aliased

from rtw_shared import access
from rtw_shared.access import Part
from rtw_shared.auth import Principal
from rtw_shared.db import Statement, pipelined

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
    key = _claim_key(insurer_org_id, claim_number)
    session.execute(select(func.pg_advisory_xact_lock(func.hashtextextended(key, 0))))


def _claim_key(insurer_org_id: str, claim_number: str) -> str:
    return f"claim:{insurer_org_id}:{claim_number}"


LOCK_CLAIM = "SELECT pg_advisory_xact_lock(hashtextextended(%(claim_key)s::text, 0))"
# The new case, only if its insurer and employer are in the directory and the insurer has no open case
# with its claim number (the same conditions as organisations.is_known and open_case_with_claim), its
# reference drawn from the sequence here: RTW-<year>-<at least six digits>.
OPEN_NEW_CASE = """
INSERT INTO cases (id, reference, status, clinic_org_id, employer_org_id, insurer_org_id, therapist_id,
    therapist_username, therapist_email, worker, claim, employment, referral, share_restrictions_with_employer,
    share_status_with_insurer, restrictions, dot_strength_level_computed, version)
SELECT %(id)s, 'RTW-' || %(year)s::text || '-' || lpad(n::text, greatest(6, length(n::text)), '0'), %(status)s,
    %(clinic_org_id)s, %(employer_org_id)s::text, %(insurer_org_id)s::text, %(therapist_id)s, %(therapist_username)s,
    %(therapist_email)s, %(worker)s, %(claim)s, %(employment)s, %(referral)s, %(share_restrictions_with_employer)s,
    %(share_status_with_insurer)s, %(restrictions)s, %(dot_strength_level_computed)s, 1
FROM nextval('case_reference_seq') AS n
WHERE EXISTS (SELECT 1 FROM organisations WHERE kind = 'insurer' AND id = %(insurer_org_id)s::text)
  AND EXISTS (SELECT 1 FROM organisations WHERE kind = 'employer' AND id = %(employer_org_id)s::text)
  AND NOT EXISTS (SELECT 1 FROM cases WHERE insurer_org_id = %(insurer_org_id)s::text
                  AND claim ->> 'claim_number' = %(claim_number)s::text AND status <> ALL(%(ended)s::text[]))
RETURNING reference, version, created_at, updated_at, changed_at
"""
JSON_COLUMNS = ("worker", "claim", "employment", "referral", "restrictions")
PLAIN_COLUMNS = (
    "id",
    "status",
    "clinic_org_id",
    "employer_org_id",
    "insurer_org_id",
    "therapist_id",
    "therapist_username",
    "therapist_email",
    "share_restrictions_with_employer",
    "share_status_with_insurer",
    "dot_strength_level_computed",
)


def open_new_case(session: Session, case: Case, *, year: int) -> dict[str, Any] | None:
    """Insert `case` (not added to the session) with a reference of `year`, in one round trip, under its
    claim's lock (held until the transaction ends) — unless its insurer or employer is not in the
    directory or the insurer already has an open case with its claim number. What PostgreSQL filled
    in (reference, version, timestamps), or None when refused (the caller finds out why)."""
    claim_number = case.claim["claim_number"]
    params: dict[str, Any] = {name: getattr(case, name) for name in PLAIN_COLUMNS}
    params |= {name: _jsonb(getattr(case, name)) for name in JSON_COLUMNS}
    params |= {"year": year, "claim_number": claim_number, "ended": ENDED}
    lock = {"claim_key": _claim_key(case.insurer_org_id, claim_number)}
    _, opened = pipelined(session, [(LOCK_CLAIM, lock), (OPEN_NEW_CASE, params)])
    if not opened:
        return None
    reference, version, created_at, updated_at, changed_at = opened[0]
    return {
        "reference": reference,
        "version": version,
        "created_at": created_at,
        "updated_at": updated_at,
        "changed_at": changed_at,
    }


def _jsonb(value: object) -> Jsonb | None:
    return None if value is None else Jsonb(value)


# The changes as one JSON object, consent → granted, in order (json keeps the order, jsonb would not).
ADD_CONSENT_CHANGES = """
INSERT INTO case_consents (case_id, consent, granted, evidence, changed_by_subject, changed_by_username)
SELECT %(case_id)s, c.consent, c.granted::boolean, %(evidence)s, %(subject)s, %(username)s
FROM json_each_text(%(granted)s::json) WITH ORDINALITY AS c (consent, granted, position)
ORDER BY c.position
"""


def consent_changes(
    case_id: uuid.UUID, granted: dict[str, bool], *, evidence: str | None, principal: Principal
) -> Statement:
    """The statement appending a grant or withdrawal of each consent in `granted` by `principal`, in that
    order, each on `evidence` (for the Unit of Work to run at commit)."""
    return ADD_CONSENT_CHANGES, {
        "case_id": case_id,
        "evidence": evidence,
        "granted": json.dumps(granted),
        "subject": principal.subject,
        "username": principal.username,
    }


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
