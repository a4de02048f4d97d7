"""A request nobody answered by the end of its due date expires (docs/domain/accommodations.md).

One durable timer per request (rtw_shared.timers), armed in the transaction that opens the
request, cancelled in the one that decides or withdraws it; the worker's TimerLoop fires it on
the process clock. Firing takes the request's row lock, so a decision racing the timer either
lands first (the timer then finds nothing to expire) or waits and then gets a 409."""

from __future__ import annotations

import uuid
from datetime import UTC, date, datetime, time, timedelta

import structlog

from rtw_shared import timers
from rtw_shared.events.catalogue import AccommodationExpiredV1  # not in the package's __all__ yet
from rtw_shared.timers import Timer
from rtw_shared.uow import UnitOfWork

from . import repository
from .models import AccommodationRequest

log = structlog.get_logger("rtw.employer")
KIND = "accommodation-expiry"
REQUESTED, EXPIRED = "requested", "expired"


def timer_key(request_id: uuid.UUID) -> str:
    """The one expiry timer of a request."""
    return f"{KIND}:{request_id}"


def expires_at(due_date: date) -> datetime:
    """The end of the due date (UTC): the employer may answer all day long."""
    return datetime.combine(due_date + timedelta(days=1), time(0), tzinfo=UTC)


def schedule_expiry(uow: UnitOfWork, *, request_id: uuid.UUID, due_date: date) -> None:
    """Arm the request's expiry timer (in the transaction that opens the request)."""
    timers.schedule(
        uow.session, key=timer_key(request_id), kind=KIND, due_at=expires_at(due_date), subject_id=request_id
    )


def cancel_expiry(uow: UnitOfWork, request_id: uuid.UUID) -> None:
    """The request was answered or withdrawn: it will not expire."""
    timers.cancel(uow.session, timer_key(request_id))


def on_expiry_due(uow: UnitOfWork, timer: Timer, now: datetime) -> None:
    """Expire the timer's request if it still awaits its first answer, and announce it."""
    request = repository.get(uow.session, uuid.UUID(str(timer.subject_id)), for_update=True)
    if request is None or request.status != REQUESTED:
        return  # answered or withdrawn in a transaction that did not cancel the timer first
    expire(uow, request, now)


def expire(uow: UnitOfWork, request: AccommodationRequest, now: datetime) -> None:
    """Mark `request` expired and announce it (notify escalates)."""
    request.status = EXPIRED
    uow.session.flush()  # the version moves on: a decision read before this is stale (412)
    uow.emit(
        AccommodationExpiredV1(
            case_id=request.case_id,
            accommodation_id=request.id,
            employer_org_id=request.employer_org_id,
            due_date=request.due_date,
            expired_at=now,
        )
    )
    log.info("accommodation request expired", accommodation_id=str(request.id), due_date=str(request.due_date))


TIMER_HANDLERS = {KIND: on_expiry_due}
