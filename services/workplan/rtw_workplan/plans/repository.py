"""Every query workplan makes about plans. A plan is always loaded with its case copy, the one
source of who may see it (rtw_shared.access decides on the copy)."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from sqlalchemy import Select, select, tuple_
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.orm import Session, contains_eager
from sqlalchemy.orm.attributes import set_committed_value

from rtw_shared import access, timers
from rtw_shared.auth import Principal

from ..cases.models import CaseCopy
from .models import OPEN_STATUSES, AccommodationRequest, Plan


def _with_case() -> Select[Plan]:
    # An inner join: a plan's case copy always exists (foreign key), and the filters need its columns.
    return select(Plan).join(Plan.case).options(contains_eager(Plan.case))


def get(session: Session, plan_id: uuid.UUID, *, for_update: bool = False) -> Plan | None:
    """One plan with its case; `for_update` locks the plan's row (not the case's) so concurrent
    edits, publication and cancellation apply one at a time."""
    query = _with_case().where(Plan.id == plan_id)
    if for_update:
        query = query.with_for_update(of=Plan).execution_options(populate_existing=True)
    return session.scalars(query).first()


def latest_for_case(session: Session, case_id: uuid.UUID) -> Plan | None:
    """The case's highest plan version, if it has any."""
    query = select(Plan).where(Plan.case_id == case_id).order_by(Plan.version.desc()).limit(1)
    return session.scalars(query).first()


def cases_with_plans(session: Session, case_ids: list[uuid.UUID]) -> set[uuid.UUID]:
    """Which of `case_ids` have at least one plan version."""
    if not case_ids:
        return set()
    return set(session.scalars(select(Plan.case_id).where(Plan.case_id.in_(case_ids)).distinct()))


def open_for_case(session: Session, case_id: uuid.UUID) -> list[Plan]:
    """The case's plan versions still in force (draft or published), locked for the change, in version order."""
    query = (
        select(Plan)
        .where(Plan.case_id == case_id, Plan.status.in_(OPEN_STATUSES))
        .order_by(Plan.version)
        .with_for_update()
    )
    return list(session.scalars(query))


def list_visible(
    session: Session,
    *,
    principal: Principal,
    part: access.Part,
    case_id: uuid.UUID | None,
    after: tuple[datetime, uuid.UUID] | None,
    limit: int,
) -> list[Plan]:
    """Plans whose case's `part` the caller may see (the shared decision as SQL), newest first,
    keyset-paginated on (created_at, id)."""
    query = _with_case().where(access.sql_condition(principal, CaseCopy, part))
    if case_id:
        query = query.where(Plan.case_id == case_id)
    if after:
        query = query.where(tuple_(Plan.created_at, Plan.id) < tuple_(*after))
    query = query.order_by(Plan.created_at.desc(), Plan.id.desc()).limit(limit)
    return list(session.scalars(query))


def open_visible_for_cases(
    session: Session, *, principal: Principal, part: access.Part, case_ids: list[uuid.UUID]
) -> list[Plan]:
    """The draft and published versions of `case_ids` whose case's `part` the caller may see, in version order."""
    if not case_ids:
        return []
    query = (
        _with_case()
        .where(access.sql_condition(principal, CaseCopy, part))
        .where(Plan.case_id.in_(case_ids), Plan.status.in_(OPEN_STATUSES))
        .order_by(Plan.case_id, Plan.version)
    )
    return list(session.scalars(query))


def open_draft_for_case(session: Session, case_id: uuid.UUID, *, for_update: bool = False) -> Plan | None:
    """The case's draft version, if it has one (a case has at most one draft at a time)."""
    query = _with_case().where(Plan.case_id == case_id, Plan.status == "draft").limit(1)
    if for_update:
        query = query.with_for_update(of=Plan).execution_options(populate_existing=True)
    return session.scalars(query).first()


def open_drafts_for_cases(session: Session, case_ids: list[uuid.UUID]) -> list[Plan]:
    """The open draft of each of `case_ids` that has one, locked for the change."""
    if not case_ids:
        return []
    query = (
        _with_case()
        .where(Plan.case_id.in_(case_ids), Plan.status == "draft")
        .with_for_update(of=Plan)
        .execution_options(populate_existing=True)
    )
    return list(session.scalars(query))


def agreed_version(session: Session, accommodation_id: uuid.UUID) -> Plan | None:
    """The plan version made from the accepted counter-proposal on that request, if one was."""
    return session.scalars(select(Plan).where(Plan.agreed_accommodation_id == accommodation_id)).first()


def keep_request(
    session: Session, *, accommodation_id: uuid.UUID, case_id: uuid.UUID, plan_id: uuid.UUID, plan_version: int
) -> None:
    """Which plan version an accommodation request asks about (once: a re-sent request changes nothing)."""
    values = {
        "accommodation_id": accommodation_id,
        "case_id": case_id,
        "plan_id": plan_id,
        "plan_version": plan_version,
    }
    session.execute(pg_insert(AccommodationRequest).values(values).on_conflict_do_nothing())


def request_of(session: Session, accommodation_id: uuid.UUID) -> AccommodationRequest | None:
    """The request as the employer announced it, if it did."""
    return session.get(AccommodationRequest, accommodation_id)


def in_force_for_case(session: Session, case_id: uuid.UUID, *, for_update: bool = False) -> Plan | None:
    """The case's published version (at most one is in force), loaded with its case."""
    query = _with_case().where(Plan.case_id == case_id, Plan.status == "published")
    if for_update:
        query = query.with_for_update(of=Plan).execution_options(populate_existing=True)
    return session.scalars(query).first()


def add(session: Session, plan: Plan) -> None:
    """A new plan version."""
    session.add(plan)
    session.flush()


# --- the graduated schedule's durable timers (rtw_shared.timers) ---------------------------------
WEEK_TIMER = "plan.schedule_week"


def week_timer_key(plan_id: uuid.UUID, week: int) -> str:
    return f"plan-week:{plan_id}:{week}"


def schedule_week_timer(session: Session, plan_id: uuid.UUID, week: int, due_at: datetime) -> None:
    """Arm the timer announcing week `week` of the plan's schedule at `due_at`."""
    timers.schedule(
        session,
        key=week_timer_key(plan_id, week),
        kind=WEEK_TIMER,
        due_at=due_at,
        subject_id=plan_id,
        payload={"week": week},
    )


def cancel_week_timers(session: Session, plan_id: uuid.UUID) -> None:
    """The plan is no longer in force: its weeks that have not begun will not be announced."""
    timers.cancel_for(session, plan_id, kinds=(WEEK_TIMER,))


def announced_weeks(session: Session, plan_id: uuid.UUID) -> set[int]:
    """The schedule weeks of the plan whose start was already announced."""
    table = timers.timers
    query = select(table.c.payload).where(
        table.c.subject_id == plan_id, table.c.kind == WEEK_TIMER, table.c.fired_at.is_not(None)
    )
    return {int(payload["week"]) for payload in session.scalars(query)}


def restore_content(plan: Plan, content: dict[str, Any]) -> None:
    """Put back the content the plan was loaded with, as loaded (not a change to write): a preview that
    tried other content on it in memory leaves nothing to flush."""
    set_committed_value(plan, "content", content)
