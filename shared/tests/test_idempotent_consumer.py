"""The idempotent consumer on real PostgreSQL and Kafka: duplicates absorbed, poison dead-lettered."""

from __future__ import annotations

import uuid

import pytest
from sqlalchemy import func, insert, select

from rtw_shared.events import CaseCreatedV1, CaseStatusChangedV1, Envelope, encode_record
from rtw_shared.messaging.clients import make_consumer, make_producer
from rtw_shared.messaging.consumer import EventConsumer
from rtw_shared.messaging.wiring import Handlers
from rtw_shared.testing import HandlersByType, Running, wait_for


@pytest.fixture
def record_effect(effects_table):
    """The handler under test: writes one effect row, or fails on a 'poison' event."""

    def handle(uow, envelope) -> None:
        if envelope.data.reason == "poison":
            raise ValueError("this event breaks the handler")
        uow.session.execute(insert(effects_table).values(event_id=envelope.id, note=envelope.data.to_status))

    return handle


@pytest.fixture
def effect_notes(engine, effects_table):
    def notes() -> list[str]:
        with engine.connect() as conn:
            return list(conn.execute(select(effects_table.c.note).order_by(effects_table.c.id)).scalars())

    return notes


def make_event_consumer(
    rtw_infra, prefix, uow_factory, handler=None, max_attempts=3, group_id=None, handlers=None, verify_source=False
):
    """The consumer under test on the private topic: `handler` for status changes, or `handlers` by type."""
    return EventConsumer(
        name="test-consumer",
        consumer=make_consumer(
            rtw_infra.kafka_bootstrap, prefix + "intake.case.v1", group_id=group_id or f"test-{uuid.uuid4().hex}"
        ),
        dead_letter_producer=make_producer(rtw_infra.kafka_bootstrap),
        uow_factory=uow_factory,
        handlers=handlers
        if isinstance(handlers, Handlers)
        else HandlersByType(handlers or {CaseStatusChangedV1.TYPE: handler}),
        max_attempts=max_attempts,
        retry_backoff=0.05,
        verify_source=verify_source,
    )


def send(rtw_infra, topic, *records) -> None:
    producer = make_producer(rtw_infra.kafka_bootstrap)
    for key, value, headers in records:
        producer.send(topic, key=key, value=value, headers=headers)
    producer.flush(timeout=30)
    producer.close()


def event(case_id, to_status, reason=None, source="test"):
    return Envelope(
        source=source, data=CaseStatusChangedV1(case_id=case_id, from_status="x", to_status=to_status, reason=reason)
    )


def duplicates_skipped() -> float:
    from rtw_shared.messaging.consumer import DUPLICATES

    return DUPLICATES.labels("test-consumer")._value.get()


def created_event(case_id, reference="RTW-2026-000001") -> Envelope:
    """Intake's `case.created` of `case_id`, as the parking tests need it."""
    return Envelope(
        source="intake",
        data=CaseCreatedV1(
            case_id=case_id,
            reference=reference,
            status="referred",
            clinic_org_id="clinic-north",
            employer_org_id="acme",
            insurer_org_id="northwind",
            therapist_id="t-1",
        ),
    )


def decided_event(case_id) -> Envelope:
    """Employer's `accommodation.decided` for `case_id` (an event of another topic than intake's)."""
    from rtw_shared.events import AccommodationDecidedV1

    return Envelope(
        source="employer",
        data=AccommodationDecidedV1(
            case_id=case_id,
            accommodation_id=uuid.uuid4(),
            employer_org_id="acme",
            decision="confirmed",
            decided_by="erin",
            decided_at="2026-11-27T10:00:00Z",
            attestation_sha256="a" * 64,
        ),
    )


def inbox_count(engine) -> int:
    from rtw_shared.event_tables import inbox

    with engine.connect() as conn:
        return conn.execute(select(func.count()).select_from(inbox)).scalar()


def test_the_same_event_delivered_twice_is_applied_once(
    rtw_infra, engine, uow_factory, prefix, record_effect, effect_notes
):
    twice = encode_record(event(uuid.uuid4(), "once"))
    after = encode_record(event(uuid.uuid4(), "after"))
    send(rtw_infra, prefix + "intake.case.v1", twice, twice, after)
    consumer = make_event_consumer(rtw_infra, prefix, uow_factory, record_effect)
    skipped_before = duplicates_skipped()
    # The two events sit on different partitions: wait for both effects AND the skipped copy, not just
    # the later one, or the test could stop the consumer before the duplicate was even delivered.
    with Running(consumer):
        assert wait_for(lambda: sorted(effect_notes()) == ["after", "once"] and duplicates_skipped() > skipped_before)
    assert sorted(effect_notes()) == ["after", "once"]
    assert duplicates_skipped() == skipped_before + 1
    assert inbox_count(engine) == 2


def test_a_poison_event_is_dead_lettered_with_its_error_and_the_partition_keeps_flowing(
    rtw_infra, engine, uow_factory, prefix, record_effect, effect_notes
):
    case_id = uuid.uuid4()  # one key: all three land on one partition, in order
    calls = []

    def counting(uow, envelope):
        calls.append(envelope.data.to_status)
        record_effect(uow, envelope)

    send(
        rtw_infra,
        prefix + "intake.case.v1",
        encode_record(event(case_id, "before")),
        encode_record(event(case_id, "bad", reason="poison")),
        encode_record(event(case_id, "after")),
    )
    consumer = make_event_consumer(rtw_infra, prefix, uow_factory, handler=counting, max_attempts=3)
    with Running(consumer):
        assert wait_for(lambda: "after" in effect_notes())
    assert effect_notes() == ["before", "after"]
    # Once in its batch's shared transaction (rolled back), then max_attempts times on its own.
    assert calls.count("bad") == 1 + 3
    dead = read_dead_letters(rtw_infra, prefix)
    assert len(dead) == 1
    headers = dict(dead[0].headers)
    assert headers["rtw_dlq_attempts"] == b"3"
    assert b"this event breaks the handler" in headers["rtw_dlq_error"]
    assert headers["ce_type"] == b"rtw.case.status_changed.v1"  # the original, untouched


def test_an_undecodable_record_goes_straight_to_the_dead_letter_topic(
    rtw_infra, uow_factory, prefix, record_effect, effect_notes
):
    good = encode_record(event(uuid.uuid4(), "good"))
    send(rtw_infra, prefix + "intake.case.v1", (b"k", b"garbage", [("ce_specversion", b"0.3")]), good)
    consumer = make_event_consumer(rtw_infra, prefix, uow_factory, record_effect)
    with Running(consumer):
        assert wait_for(lambda: effect_notes() == ["good"])
    dead = read_dead_letters(rtw_infra, prefix)
    assert [r.value for r in dead] == [b"garbage"]
    assert dict(dead[0].headers)["rtw_dlq_attempts"] == b"1"


def test_an_event_whose_source_is_not_its_topics_owner_is_dead_lettered_unapplied(
    rtw_infra, uow_factory, prefix, record_effect, effect_notes
):
    case_id = uuid.uuid4()
    send(
        rtw_infra,
        prefix + "intake.case.v1",
        encode_record(event(case_id, "forged", source="employer")),
        encode_record(event(case_id, "genuine", source="intake")),
    )
    consumer = make_event_consumer(rtw_infra, prefix, uow_factory, record_effect, verify_source=True)
    with Running(consumer):
        assert wait_for(lambda: effect_notes() == ["genuine"])
    dead = read_dead_letters(rtw_infra, prefix)
    assert len(dead) == 1
    assert dict(dead[0].headers)["ce_source"] == b"employer"
    assert b"comes only from intake" in dict(dead[0].headers)["rtw_dlq_error"]
    assert effect_notes() == ["genuine"]


def read_dead_letters(rtw_infra, prefix) -> list:
    reader = make_consumer(rtw_infra.kafka_bootstrap, prefix + "intake.case.v1.dlq", group_id=f"dlq-{uuid.uuid4().hex}")
    records: list = []
    try:
        wait_for(
            lambda: records.extend(r for b in reader.poll(timeout_ms=500).values() for r in b) or records, timeout=15
        )
    finally:
        reader.close()
    return records


def test_a_dead_letter_replayed_after_the_fix_is_applied_exactly_once(
    rtw_infra, engine, uow_factory, prefix, record_effect, effect_notes
):
    from rtw_shared.messaging.replay import replay

    healthy = {"ok": False}

    def flaky(uow, envelope):
        if not healthy["ok"]:
            raise RuntimeError("bug not fixed yet")
        record_effect(uow, envelope)

    group = f"test-{uuid.uuid4().hex}"  # one service's group throughout, as in production
    send(rtw_infra, prefix + "intake.case.v1", encode_record(event(uuid.uuid4(), "late")))
    with Running(make_event_consumer(rtw_infra, prefix, uow_factory, flaky, max_attempts=2, group_id=group)):
        assert wait_for(lambda: len(read_dead_letters(rtw_infra, prefix)) == 1, timeout=20)
    assert effect_notes() == []
    healthy["ok"] = True  # the fix is deployed
    dead_letter_topic = prefix + "intake.case.v1.dlq"
    assert replay(rtw_infra.kafka_bootstrap, dead_letter_topic, idle_ms=1500) == 1
    assert replay(rtw_infra.kafka_bootstrap, dead_letter_topic, idle_ms=1500) == 0  # this group already did
    # Someone replays it again by mistake: the inbox absorbs the second copy.
    assert replay(rtw_infra.kafka_bootstrap, dead_letter_topic, idle_ms=1500, group_id=f"again-{group}") == 1
    with Running(make_event_consumer(rtw_infra, prefix, uow_factory, flaky, group_id=group)):
        assert wait_for(lambda: effect_notes() == ["late"])
        wait_for(lambda: False, timeout=2)  # time for the second copy to arrive and be skipped
    assert effect_notes() == ["late"]


def test_an_event_that_overtakes_its_case_is_parked_and_applied_once_the_case_arrives(
    rtw_infra, engine, uow_factory, prefix, effects_table, effect_notes
):
    from rtw_shared.events import AccommodationDecidedV1, CaseCreatedV1
    from rtw_shared.messaging.consumer import DEAD_LETTERED, PARKED
    from rtw_shared.messaging.parking import CaseNotKnownYet

    known_cases: set[uuid.UUID] = set()  # stands in for a service's case copies

    def on_created(uow, envelope):
        known_cases.add(envelope.data.case_id)
        uow.session.execute(insert(effects_table).values(event_id=envelope.id, note="case"))

    def on_decided(uow, envelope):
        if envelope.data.case_id not in known_cases:
            raise CaseNotKnownYet(envelope.data.case_id)
        uow.session.execute(insert(effects_table).values(event_id=envelope.id, note="decided"))

    case_id = uuid.uuid4()
    decided = decided_event(case_id)
    created = created_event(case_id, "RTW-2026-000001")
    # Both on one partition, the decision first and delivered twice: the worst order there is.
    send(rtw_infra, prefix + "intake.case.v1", *(encode_record(e) for e in (decided, decided, created)))
    parked_before, dead_before = (
        PARKED.labels("test-consumer")._value.get(),
        DEAD_LETTERED.labels("test-consumer")._value.get(),
    )
    consumer = make_event_consumer(
        rtw_infra,
        prefix,
        uow_factory,
        handlers={CaseCreatedV1.TYPE: on_created, AccommodationDecidedV1.TYPE: on_decided},
    )
    with Running(consumer):
        assert wait_for(lambda: effect_notes() == ["case", "decided"])
    assert PARKED.labels("test-consumer")._value.get() == parked_before + 1
    assert DEAD_LETTERED.labels("test-consumer")._value.get() == dead_before
    assert inbox_count(engine) == 2
    from rtw_shared.event_tables import parked_events

    with engine.connect() as conn:
        assert conn.execute(select(func.count()).select_from(parked_events)).scalar() == 0


def test_a_parked_event_whose_handler_fails_stays_parked_and_does_not_hold_back_its_case(
    rtw_infra, engine, uow_factory, prefix, effects_table, effect_notes
):
    from rtw_shared.event_tables import parked_events
    from rtw_shared.events import CaseCreatedV1
    from rtw_shared.messaging.parking import CaseNotKnownYet

    known_cases: set[uuid.UUID] = set()

    def on_created(uow, envelope):
        known_cases.add(envelope.data.case_id)
        uow.session.execute(insert(effects_table).values(event_id=envelope.id, note="case"))

    def on_status(uow, envelope):
        if envelope.data.case_id not in known_cases:
            raise CaseNotKnownYet(envelope.data.case_id)
        uow.session.execute(insert(effects_table).values(event_id=envelope.id, note="half-written"))
        raise RuntimeError("a bug in the parked event's handler")

    case_id = uuid.uuid4()
    created = created_event(case_id, "RTW-2026-000003")
    send(rtw_infra, prefix + "intake.case.v1", encode_record(event(case_id, "early")), encode_record(created))
    consumer = make_event_consumer(
        rtw_infra, prefix, uow_factory, handlers={CaseCreatedV1.TYPE: on_created, CaseStatusChangedV1.TYPE: on_status}
    )

    def parked_errors() -> list:
        with engine.connect() as conn:
            return list(conn.execute(select(parked_events.c.last_error)).scalars())

    with Running(consumer):
        assert wait_for(lambda: parked_errors() == ["RuntimeError: a bug in the parked event's handler"])
    assert effect_notes() == ["case"]  # the case applied; the failed handler's own write undone
    assert inbox_count(engine) == 2


def test_a_polled_batch_is_applied_in_one_transaction_with_duplicates_skipped(
    rtw_infra, engine, uow_factory, prefix, record_effect, effect_notes
):
    from rtw_shared.messaging.consumer import APPLIED

    case_id = uuid.uuid4()  # one key: one partition, one batch
    records = [encode_record(event(case_id, f"n{n}")) for n in range(50)]
    send(rtw_infra, prefix + "intake.case.v1", *records, records[7])
    consumer = make_event_consumer(rtw_infra, prefix, uow_factory, record_effect)
    applied_before, skipped_before = (
        APPLIED.labels("test-consumer", "rtw.case.status_changed.v1")._value.get(),
        duplicates_skipped(),
    )
    commits = []
    from sqlalchemy import event as sa_event

    sa_event.listen(engine, "commit", lambda conn: commits.append(1))
    with Running(consumer):
        assert wait_for(lambda: len(effect_notes()) == 50 and duplicates_skipped() > skipped_before)
    assert effect_notes() == [f"n{n}" for n in range(50)]  # in order, each once
    assert APPLIED.labels("test-consumer", "rtw.case.status_changed.v1")._value.get() == applied_before + 50
    assert len(commits) < 10, "fifty events should share a handful of transactions, not one each"


def test_a_run_of_events_goes_to_its_batch_handler_in_one_call_and_parked_events_still_follow_their_case(
    rtw_infra, engine, uow_factory, prefix, effects_table, effect_notes
):
    import types

    from rtw_shared.events import AccommodationDecidedV1
    from rtw_shared.messaging import parking
    from rtw_shared.messaging.wiring import Handlers, handles

    runs: list[list[str]] = []
    module = types.ModuleType("batch_handlers_under_test")

    @handles(CaseStatusChangedV1, batch=True)
    def on_statuses(uow, envelopes):
        runs.append([e.data.to_status for e in envelopes])
        for e in envelopes:
            uow.session.execute(insert(effects_table).values(event_id=e.id, note=e.data.to_status))

    @handles(AccommodationDecidedV1)
    def on_decided(uow, envelope):
        uow.session.execute(insert(effects_table).values(event_id=envelope.id, note="decided"))

    for handler in (on_statuses, on_decided):
        handler.__module__ = module.__name__
        setattr(module, handler.__name__, handler)

    case_a, case_b = uuid.uuid4(), uuid.uuid4()
    waiting = decided_event(case_a)
    with uow_factory() as uow:  # parked earlier, waiting for case A
        parking.park(uow.session, "test-consumer", waiting)
        uow.commit()
    statuses = [event(case_b, "b1"), event(case_b, "b2"), event(case_a, "a1"), event(case_b, "b3"), event(case_b, "b4")]
    one_key = encode_record(statuses[0])[0]  # one partition, so one poll holds them all
    send(rtw_infra, prefix + "intake.case.v1", *((one_key, *encode_record(e)[1:]) for e in statuses))
    consumer = make_event_consumer(rtw_infra, prefix, uow_factory, handlers=Handlers(module))
    with Running(consumer):
        assert wait_for(lambda: len(effect_notes()) == 6)
    # Case A's event is applied alone and its parked event right after it, as one by one would.
    assert effect_notes() == ["b1", "b2", "a1", "decided", "b3", "b4"]
    # A run ends with the event that releases parked ones; the next run starts after them.
    assert runs == [["b1", "b2", "a1"], ["b3", "b4"]]
