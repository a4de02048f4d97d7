"""Durable timers on real PostgreSQL: fire once when due, never when cancelled, survive a failure."""

from __future__ import annotations

import threading
import uuid
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy import func, insert, select

from rtw_shared import timers as durable
from rtw_shared.clock import add_business_days, offset_clock, set_offset

T0 = datetime.now(UTC).replace(microsecond=0)  # the real time: a test of timers reads the same on any day


@pytest.fixture
def timer_uow(engine, uow_factory):
    durable.metadata.create_all(engine)
    return uow_factory


def arm(uow_factory, key: str, due_at: datetime, subject_id=None, kind: str = "remind") -> None:
    with uow_factory() as uow:
        durable.schedule(uow.session, key=key, kind=kind, due_at=due_at, subject_id=subject_id, payload={"k": key})
        uow.commit()


def recording_handler(effects_table):
    def handle(uow, timer, now):
        uow.session.execute(insert(effects_table).values(event_id=uuid.uuid4(), note=timer.payload["k"]))

    return handle


def effects(engine, effects_table) -> list[str]:
    with engine.connect() as conn:
        return sorted(conn.execute(select(effects_table.c.note)).scalars())


def test_a_timer_fires_once_when_due_and_not_before(timer_uow, engine, effects_table):
    arm(timer_uow, "a", T0)
    handlers = {"remind": recording_handler(effects_table)}
    assert durable.fire_due(timer_uow, handlers, T0 - timedelta(seconds=1)) == 0
    assert durable.fire_due(timer_uow, handlers, T0) == 1
    assert durable.fire_due(timer_uow, handlers, T0 + timedelta(days=3)) == 0
    assert effects(engine, effects_table) == ["a"]


def test_two_runners_at_once_fire_every_due_timer_exactly_once(timer_uow, engine, effects_table):
    # Two replicas of a worker: each claims its batch while the other holds its own (SKIP LOCKED skips
    # the claimed rows instead of waiting for them), so neither fires what the other claimed.
    keys = [f"t{n}" for n in range(10)]
    for key in keys:
        arm(timer_uow, key, T0)
    both_holding_claims = threading.Barrier(2, timeout=20)
    first_call = threading.local()
    record = recording_handler(effects_table)

    def handle(uow, timer, now):
        if not getattr(first_call, "seen", False):
            first_call.seen = True
            both_holding_claims.wait()  # a runner blocked on the other's rows would never get here
        record(uow, timer, now)

    with ThreadPoolExecutor(2) as pool:
        fired = list(pool.map(lambda _: durable.fire_due(timer_uow, {"remind": handle}, T0, limit=5), range(2)))
    assert fired == [5, 5]
    assert effects(engine, effects_table) == sorted(keys)


def test_rescheduling_moves_a_pending_timer_but_never_rearms_a_fired_one(timer_uow, engine, effects_table):
    handlers = {"remind": recording_handler(effects_table)}
    arm(timer_uow, "a", T0)
    arm(timer_uow, "a", T0 + timedelta(hours=2))
    assert durable.fire_due(timer_uow, handlers, T0 + timedelta(hours=1)) == 0
    assert durable.fire_due(timer_uow, handlers, T0 + timedelta(hours=2)) == 1
    arm(timer_uow, "a", T0 + timedelta(hours=3))
    assert durable.fire_due(timer_uow, handlers, T0 + timedelta(days=1)) == 0
    assert effects(engine, effects_table) == ["a"]


def test_cancelled_timers_do_not_fire(timer_uow, engine, effects_table):
    subject = uuid.uuid4()
    arm(timer_uow, "a", T0)
    arm(timer_uow, "b", T0, subject_id=subject)
    arm(timer_uow, "c", T0, subject_id=subject, kind="other")
    arm(timer_uow, "d", T0)
    with timer_uow() as uow:
        durable.cancel(uow.session, "a")
        durable.cancel_for(uow.session, subject, kinds=("remind",))
        uow.commit()
    handlers = {"remind": recording_handler(effects_table), "other": recording_handler(effects_table)}
    assert durable.fire_due(timer_uow, handlers, T0) == 2
    assert effects(engine, effects_table) == ["c", "d"]


def test_a_failing_handler_writes_nothing_is_retried_later_and_does_not_block_others(timer_uow, engine, effects_table):
    calls = []

    def flaky(uow, timer, now):
        recording_handler(effects_table)(uow, timer, now)  # written, then undone by the failure
        calls.append(now)
        if len(calls) == 1:
            raise RuntimeError("mail server away")

    arm(timer_uow, "a", T0, kind="flaky")
    arm(timer_uow, "b", T0)
    handlers = {"flaky": flaky, "remind": recording_handler(effects_table)}
    assert durable.fire_due(timer_uow, handlers, T0) == 1
    assert effects(engine, effects_table) == ["b"]
    assert durable.fire_due(timer_uow, handlers, T0 + timedelta(seconds=10)) == 0  # backing off
    assert durable.fire_due(timer_uow, handlers, T0 + timedelta(minutes=5)) == 1
    assert effects(engine, effects_table) == ["a", "b"]


def test_a_timer_that_keeps_failing_is_given_up_on(timer_uow, engine):
    def broken(uow, timer, now):
        raise RuntimeError("always")

    arm(timer_uow, "a", T0, kind="broken")
    now = T0
    for _ in range(3):
        durable.fire_due(timer_uow, {"broken": broken}, now, max_attempts=3)
        now += timedelta(days=1)
    with engine.connect() as conn:
        row = conn.execute(select(durable.timers)).mappings().one()
        assert (row.dead, row.attempts, row.fired_at) == (True, 3, None)
        assert "always" in row.last_error
        alive = select(func.count()).select_from(durable.timers).where(~durable.timers.c.dead)
        assert conn.execute(alive).scalar() == 0


def test_the_offset_clock_follows_its_file(tmp_path):
    path = tmp_path / "offset"
    clock = offset_clock(path)
    assert abs((clock() - datetime.now(UTC)).total_seconds()) < 5
    set_offset(path, timedelta(days=3))
    assert abs((clock() - datetime.now(UTC)).total_seconds() - 3 * 86400) < 5


def test_the_offset_clock_sees_every_move_at_once_even_to_a_number_of_the_same_length(tmp_path):
    # It reads the file only when it changed: moves faster than the file system's timestamps, and
    # numbers of the same length, must each still show on the very next call.
    path = tmp_path / "offset"
    clock = offset_clock(path)
    for days in (3, 4, 5, 4, 3):
        set_offset(path, timedelta(days=days))
        assert round((clock() - datetime.now(UTC)).total_seconds() / 86400) == days
    path.unlink()
    assert abs((clock() - datetime.now(UTC)).total_seconds()) < 5


def test_business_days_skip_weekends():
    friday = date(2026, 11, 27)
    assert add_business_days(friday, 1) == date(2026, 11, 30)
    assert add_business_days(friday, 2) == date(2026, 12, 1)
    assert add_business_days(date(2026, 12, 1), -2) == date(2026, 11, 27)
    assert add_business_days(friday, 0) == friday
