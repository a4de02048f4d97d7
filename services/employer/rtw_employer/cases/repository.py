"""Every query employer makes about its case copies (the snapshot upsert itself is rtw_shared.case_copy)."""

from __future__ import annotations

import uuid

from sqlalchemy import func, select, text, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.orm import Session

from rtw_shared import access
from rtw_shared.access import Part
from rtw_shared.auth import Principal

from .models import CaseCopy

# Namespace of employer's per-case advisory locks (any fixed number; only employer uses it).
CASE_LOCK_NAMESPACE = 0x454D50  # "EMP"
# What a `case.shared_with_employer` written before snapshots describes: the case as created.
LEGACY_SHARED_VERSION = 1


def lock_case(session: Session, case_id: uuid.UUID) -> None:
    """Hold the case until this transaction ends. Intake's and workplan's events of one case come on
    different topics and may be applied at the same moment: taking turns, a case that ends and a
    plan published for it cannot both miss each other (the request would stay open)."""
    session.execute(select(func.pg_advisory_xact_lock(CASE_LOCK_NAMESPACE, func.hashtext(str(case_id)))))


def lock_cases(session: Session, case_ids: list[uuid.UUID]) -> None:
    """`lock_case` for many cases in one statement, in one order (two such batches cannot deadlock)."""
    if not case_ids:
        return
    session.execute(
        text(
            "SELECT count(pg_advisory_xact_lock(:namespace, key)) FROM "
            "(SELECT DISTINCT hashtext(id) AS key FROM unnest(CAST(:ids AS text[])) AS id ORDER BY key) AS keys"
        ),
        {"namespace": CASE_LOCK_NAMESPACE, "ids": [str(case_id) for case_id in case_ids]},
    )


def get_many(session: Session, case_ids: list[uuid.UUID]) -> list[CaseCopy]:
    """The copies of `case_ids` that exist, as the database holds them now."""
    if not case_ids:
        return []
    query = select(CaseCopy).where(CaseCopy.case_id.in_(case_ids)).execution_options(populate_existing=True)
    return list(session.scalars(query))


def get(session: Session, case_id: uuid.UUID) -> CaseCopy | None:
    """The copy of a case as the database holds it now (None: not heard of yet)."""
    # populate_existing: the copy was just upserted by a Core statement the identity map did not see.
    return session.get(CaseCopy, case_id, populate_existing=True)


def show_identity(
    session: Session,
    case_id: uuid.UUID,
    *,
    employer: Principal,
    up_to_version: int,
    worker_name: str,
    job_title: str,
) -> None:
    """Store who the worker is — unless the copy is newer than `up_to_version` or does not let `employer`
    (the case's employer, as a reader) see the worker's identity (rtw_shared.access).

    "Not older" rather than "newer": a re-grant announces the consent and the name with one case
    version, in either order, and the name must land whichever of the two came first."""
    session.execute(
        update(CaseCopy)
        .where(
            CaseCopy.case_id == case_id,
            CaseCopy.case_version <= up_to_version,
            access.sql_condition(employer, CaseCopy, Part.IDENTITY),
        )
        .values(worker_name=worker_name, job_title=job_title, updated_at=func.now())
    )


def show_legacy_identity(
    session: Session, case_id: uuid.UUID, *, employer: Principal, worker_name: str, job_title: str
) -> None:
    """A `case.shared_with_employer` without a snapshot (sent before snapshots existed, only with the
    worker's consent): name and job title as of the case's creation, a partial copy if there is none.
    An existing copy takes them only while it lets `employer` see the worker's identity."""
    values = {"employer_org_id": employer.org_id, "worker_name": worker_name, "job_title": job_title}
    insert = pg_insert(CaseCopy).values(case_id=case_id, **values)
    session.execute(
        insert.on_conflict_do_update(
            index_elements=[CaseCopy.case_id],
            set_={"worker_name": worker_name, "job_title": job_title, "updated_at": func.now()},
            where=(CaseCopy.case_version <= LEGACY_SHARED_VERSION)
            & access.sql_condition(employer, CaseCopy, Part.IDENTITY),
        )
    )
