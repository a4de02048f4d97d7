"""The event figures of `make bench`: workplan's real consumer draining a backlog of `case.created`
beside a raw consumer, and intake's real outbox relay beside a raw idempotent producer.

Both run the services' own loops (built by `rtw_shared.worker.build_loops` from the service's
`WorkerSpec`, as the worker process builds them) in this process, on scratch databases and private
topics. They are observed from outside only: the consumer's Kafka client is wrapped to note the first
records polled and the offsets committed; the relay's batches are counted as they return."""

from __future__ import annotations

import json
import multiprocessing
import os
import queue
import threading
import time
import uuid

import psycopg
from harness import Context, Row, at_least, times
from kafka import KafkaConsumer, TopicPartition

from rtw_shared.db import make_engine
from rtw_shared.event_tables import outbox
from rtw_shared.events import CaseCreatedV1, CaseSnapshot, Envelope, encode_record
from rtw_shared.messaging.clients import make_consumer, make_producer
from rtw_shared.testing import app_url
from rtw_shared.topics import CASE
from rtw_shared.worker import build_loops

WORKER_POOL_SIZE = 4  # what rtw_shared.worker.run_worker gives its loops


def case_created_records(n: int) -> list[tuple[bytes, bytes, list]]:
    """`n` encoded `case.created` events of `n` different cases, each with its snapshot."""
    records = []
    for i in range(n):
        snapshot = CaseSnapshot(
            version=1,
            reference=f"RTW-2026-B{i:06d}",
            status="referred",
            clinic_org_id="clinic-north",
            employer_org_id="acme",
            insurer_org_id="northwind",
            therapist_id="bench-therapist",
            therapist_email="tara@clinic-north.example",
        )
        event = CaseCreatedV1(
            case_id=uuid.uuid4(),
            case=snapshot,
            reference=snapshot.reference,
            status=snapshot.status,
            clinic_org_id=snapshot.clinic_org_id,
            employer_org_id=snapshot.employer_org_id,
            insurer_org_id=snapshot.insurer_org_id,
            therapist_id=snapshot.therapist_id,
            therapist_email=snapshot.therapist_email,
        )
        records.append(encode_record(Envelope(source="intake", correlation_id=f"bench-{i}", data=event)))
    return records


def _produce(bootstrap: str, topic: str, records) -> dict[TopicPartition, int]:
    """Send the records (fast: batched), then the topic's end offsets."""
    producer = make_producer(bootstrap, client_id="rtw-bench-seed", linger_ms=20)
    for key, value, headers in records:
        producer.send(topic, key=key, value=value, headers=headers)
    producer.flush(timeout=120)
    producer.close()
    probe = make_consumer(bootstrap, group_id=None, client_id="rtw-bench-probe")
    partitions = [TopicPartition(topic, p) for p in probe.partitions_for_topic(topic)]
    ends = probe.end_offsets(partitions)
    probe.close()
    return ends


class ObservedConsumer:
    """Wraps the consumer's KafkaConsumer: notes when the first records came, and when the committed
    offsets reached `ends` (everything applied and committed)."""

    def __init__(self, inner: KafkaConsumer, ends: dict[TopicPartition, int]):
        self._inner = inner
        self._waiting = {tp: end for tp, end in ends.items() if end > 0}
        self.first_records: float | None = None
        self.all_committed = threading.Event()
        self.finished: float | None = None

    def __getattr__(self, name):
        return getattr(self._inner, name)

    def poll(self, *args, **kwargs):
        batches = self._inner.poll(*args, **kwargs)
        if batches and self.first_records is None:
            self.first_records = time.perf_counter()
        return batches

    def commit(self, offsets=None, *args, **kwargs):
        result = self._inner.commit(offsets, *args, **kwargs)
        self._note(offsets)
        return result

    def commit_async(self, offsets=None, *args, **kwargs):
        result = self._inner.commit_async(offsets, *args, **kwargs)
        self._note(offsets)
        return result

    def _note(self, offsets) -> None:
        for tp, meta in (offsets or {}).items():
            if tp in self._waiting and meta.offset >= self._waiting[tp]:
                del self._waiting[tp]
        if not self._waiting and not self.all_committed.is_set():
            self.finished = time.perf_counter()
            self.all_committed.set()


def _timeout(n: int) -> float:
    return 60 + n / 50  # far slower than any consumer so far; then it is reported, not waited for


# --- the workplan consumer ----------------------------------------------------------------------------
def _run_workplan_consumer(ctx: Context, prefix: str, ends) -> tuple[float, int]:
    """Workplan's real consumer until every record is committed; (events per second, applied in the inbox)."""
    from rtw_workplan import worker
    from rtw_workplan.settings import WorkplanSettings

    owner_url = ctx.migrated_database("rtw_workplan", "workplan")
    settings = WorkplanSettings(
        database_url=app_url(owner_url),
        migration_database_url=owner_url,
        kafka_bootstrap=ctx.infra.kafka_bootstrap,
        topic_prefix=prefix,
        log_level="WARNING",
    )
    engine = make_engine(settings.database_url, pool_size=WORKER_POOL_SIZE)
    (consumer,) = build_loops(worker.spec(settings), engine, {"consumer"})
    observed = ObservedConsumer(consumer.consumer, ends)
    consumer.consumer = observed
    thread = threading.Thread(target=consumer.run, name="bench-workplan-consumer", daemon=True)
    thread.start()
    n = sum(ends.values())
    try:
        if not observed.all_committed.wait(_timeout(n)):
            raise RuntimeError(f"the workplan consumer did not apply {n} events within {_timeout(n):.0f} s")
    finally:
        consumer.stop()
        thread.join(timeout=30)
        engine.dispose()
    with psycopg.connect(owner_url.replace("postgresql+psycopg://", "postgresql://")) as conn:
        applied = conn.execute("SELECT count(*) FROM inbox WHERE consumer = 'workplan'").fetchone()[0]
    return n / (observed.finished - observed.first_records), applied


# --- the workplan consumer, N replicas ----------------------------------------------------------------
class ReportingConsumer:
    """In a replica's process: the consumer's Kafka client, reporting its first records and every
    offset it commits to the measuring process."""

    def __init__(self, inner: KafkaConsumer, reports):
        self._inner, self._reports, self._first, self._held = inner, reports, False, 0

    def __getattr__(self, name):
        return getattr(self._inner, name)

    def poll(self, *args, **kwargs):
        batches = self._inner.poll(*args, **kwargs)
        held = len(self._inner.assignment())
        if held != self._held:
            self._held = held
            self._reports.put(("assigned", (os.getpid(), held)))
        if batches and not self._first:
            self._first = True
            self._reports.put(("first", (os.getpid(), time.perf_counter())))  # CLOCK_MONOTONIC: one clock for all
        return batches

    def commit(self, offsets=None, *args, **kwargs):
        result = self._inner.commit(offsets, *args, **kwargs)
        self._report(offsets)
        return result

    def commit_async(self, offsets=None, *args, **kwargs):
        result = self._inner.commit_async(offsets, *args, **kwargs)
        self._report(offsets)
        return result

    def _report(self, offsets) -> None:
        committed = [(tp.topic, tp.partition, meta.offset) for tp, meta in (offsets or {}).items()]
        self._reports.put(("committed", (committed, time.perf_counter())))


def _replica(bootstrap: str, owner_url: str, prefix: str, reports, stop) -> None:
    """One workplan consumer (a process of its own, as a worker replica is) until told to stop."""
    from rtw_workplan import worker
    from rtw_workplan.settings import WorkplanSettings

    settings = WorkplanSettings(
        database_url=app_url(owner_url),
        migration_database_url=owner_url,
        kafka_bootstrap=bootstrap,
        topic_prefix=prefix,
        log_level="WARNING",
    )
    engine = make_engine(settings.database_url, pool_size=WORKER_POOL_SIZE)
    (consumer,) = build_loops(worker.spec(settings), engine, {"consumer"})
    consumer.consumer = ReportingConsumer(consumer.consumer, reports)
    thread = threading.Thread(target=consumer.run, name="bench-workplan-replica", daemon=True)
    thread.start()
    stop.wait()
    consumer.stop()
    thread.join(timeout=30)
    engine.dispose()


def _drain_with_replicas(ctx: Context, n: int, replicas: int) -> float:
    """`n` case.created on a topic (and so a consumer group) of their own, drained by `replicas`
    consumers, each a process of its own; events per second from the first record polled to the last
    offset committed. The records are produced once every replica holds its partitions: the figure is
    the drain, not the group's first rebalance."""
    prefix = ctx.topics(CASE.name)
    owner_url = ctx.migrated_database("rtw_workplan", f"workplan{replicas}")
    spawn = multiprocessing.get_context("spawn")
    reports, stop = spawn.Queue(), spawn.Event()
    processes = [
        spawn.Process(target=_replica, args=(ctx.infra.kafka_bootstrap, owner_url, prefix, reports, stop))
        for _ in range(replicas)
    ]
    for process in processes:
        process.start()
    try:
        assigned: dict[int, int] = {}
        _until(reports, lambda kind, data: _note_assignment(assigned, kind, data, replicas), 120, "replicas to join")
        ends = _produce(ctx.infra.kafka_bootstrap, prefix + CASE.name, case_created_records(n))
        waiting = {(tp.topic, tp.partition): end for tp, end in ends.items() if end > 0}
        times_seen: dict[str, float] = {}

        def drained(kind: str, data) -> bool:
            if kind == "first":
                times_seen["first"] = min(times_seen.get("first", data[1]), data[1])
            elif kind == "committed":
                for topic, partition, offset in data[0]:
                    if waiting.get((topic, partition), offset + 1) <= offset:
                        del waiting[(topic, partition)]
                times_seen["last"] = data[1]
            return not waiting

        _until(reports, drained, _timeout(n), f"{replicas} workplan consumers to apply {n} events")
    finally:
        stop.set()
        for process in processes:
            process.join(timeout=60)
            if process.is_alive():
                process.kill()
    return n / (times_seen["last"] - times_seen["first"])


def _note_assignment(assigned: dict[int, int], kind: str, data, replicas: int) -> bool:
    """Whether every replica now holds partitions and together they hold all of the topic's."""
    if kind == "assigned":
        pid, count = data
        assigned[pid] = count
    return len(assigned) == replicas and all(assigned.values()) and sum(assigned.values()) == CASE.partitions


def _until(reports, done, timeout: float, what: str) -> None:
    """Read the replicas' reports until `done(kind, data)` says so; RuntimeError after `timeout` s."""
    deadline = time.monotonic() + timeout
    while True:
        try:
            kind, data = reports.get(timeout=max(0.1, deadline - time.monotonic()))
        except queue.Empty:
            raise RuntimeError(f"waited {timeout:.0f} s for {what}") from None
        if done(kind, data):
            return


RAW_TABLES = """
CREATE TABLE raw_inbox (consumer text NOT NULL, event_id uuid NOT NULL, PRIMARY KEY (consumer, event_id));
CREATE TABLE raw_case (case_id uuid PRIMARY KEY, payload jsonb NOT NULL);
"""


def _raw_consume(ctx: Context, topic: str, n: int, *, apply_with=None) -> float:
    """A plain group consumer with the services' settings; with `apply_with` (a psycopg connection),
    one transaction of two INSERTs per record. Records per second from the first poll with records."""
    consumer = make_consumer(
        ctx.infra.kafka_bootstrap, topic, group_id=f"bench-raw-{uuid.uuid4().hex[:8]}", client_id="rtw-bench-raw"
    )
    seen, first = 0, None
    deadline = time.monotonic() + _timeout(n)
    try:
        while seen < n and time.monotonic() < deadline:
            for records in consumer.poll(timeout_ms=500, max_records=500).values():
                first = first or time.perf_counter()
                for record in records:
                    if apply_with is not None:
                        _apply_raw(apply_with, record)
                    seen += 1
    finally:
        consumer.close(autocommit=False)
    if seen < n:
        raise RuntimeError(f"the raw consumer saw {seen} of {n} records in time")
    return n / (time.perf_counter() - first)


def _apply_raw(conn: psycopg.Connection, record) -> None:
    event_id = dict(record.headers)["ce_id"].decode()
    payload = json.loads(record.value)
    with conn.transaction():
        conn.execute("INSERT INTO raw_inbox (consumer, event_id) VALUES ('raw', %s)", (event_id,))
        conn.execute(
            "INSERT INTO raw_case (case_id, payload) VALUES (%s, %s)", (payload["case_id"], json.dumps(payload))
        )


def consumer(ctx: Context) -> list[Row]:
    """Workplan's consumer draining N `case.created` beside raw consume + 2-insert transaction, and raw consume."""
    n = ctx.sizes.events
    prefix = ctx.topics(CASE.name)
    topic = prefix + CASE.name
    ctx.progress.say(f"consumer: producing {n:,} case.created to a private topic")
    ends = _produce(ctx.infra.kafka_bootstrap, topic, case_created_records(n))
    ctx.settle()
    ctx.progress.say(f"consumer: workplan's consumer draining {n:,} events")
    rtw_rate, applied = _run_workplan_consumer(ctx, prefix, ends)
    ctx.settle()
    ctx.progress.say(f"consumer: 1 then 2 workplan replicas (a process each, one group) draining {n:,} events")
    one_replica, two_replicas = (_drain_with_replicas(ctx, n, replicas) for replicas in (1, 2))
    ctx.progress.say(f"consumer: raw consume + one 2-insert transaction per record, {n:,} events")
    with psycopg.connect(ctx.empty_database("raw_consumer"), autocommit=True) as conn:
        conn.execute(RAW_TABLES)
        raw_tx_rate = _raw_consume(ctx, topic, n, apply_with=conn)
    ctx.progress.say(f"consumer: raw consume alone, {n:,} events")
    raw_rate = _raw_consume(ctx, topic, n)
    ratio = rtw_rate / raw_tx_rate
    values = {
        "events": n,
        "applied": applied,
        "rtw_events_per_s": round(rtw_rate, 1),
        "raw_tx_events_per_s": round(raw_tx_rate, 1),
        "raw_consume_events_per_s": round(raw_rate, 1),
    }
    return [
        Row(
            "consumer",
            f"workplan consumer draining {n:,} case.created",
            f"{rtw_rate:,.0f} events/s" + ("" if applied == n else f" ({applied:,} applied!)"),
            f"raw consume + 2-insert tx {raw_tx_rate:,.0f}/s; raw consume alone {raw_rate:,.0f}/s",
            ratio,
            times(ratio),
            "≥ 1,000 events/s",
            rtw_rate >= 1000,
            values,
        ),
        Row(
            "consumer",
            f"workplan consumer, 2 replicas vs 1, draining {n:,} case.created",
            f"{two_replicas:,.0f} events/s",
            f"{one_replica:,.0f} events/s",
            two_replicas / one_replica,
            times(two_replicas / one_replica),
            "≥ 1.60x",
            at_least(two_replicas / one_replica, 1.6),
            {"one_replica_events_per_s": round(one_replica, 1), "two_replicas_events_per_s": round(two_replicas, 1)},
        ),
    ]


# --- the intake outbox relay ----------------------------------------------------------------------------
def _outbox_rows(topic: str, records) -> list[dict]:
    """Outbox rows as the Unit of Work writes them (rtw_shared.uow)."""
    rows = []
    for key, value, headers in records:
        meta = {k: v.decode() for k, v in headers}
        rows.append(
            {
                "event_id": uuid.UUID(meta["ce_id"]),
                "topic": topic,
                "key": key.decode(),
                "event_type": meta["ce_type"],
                "headers": [[k, v.decode()] for k, v in headers],
                "payload": value.decode(),
            }
        )
    return rows


def _run_relay(ctx: Context, owner_url: str, prefix: str, topic: str, n: int) -> float:
    """Intake's real relay until it has published `n` rows; rows per second."""
    from rtw_intake import worker
    from rtw_intake.settings import IntakeSettings

    settings = IntakeSettings(
        database_url=app_url(owner_url),
        migration_database_url=owner_url,
        kafka_bootstrap=ctx.infra.kafka_bootstrap,
        topic_prefix=prefix,
        log_level="WARNING",
    )
    engine = make_engine(settings.database_url, pool_size=WORKER_POOL_SIZE)
    (relay,) = build_loops(worker.spec(settings), engine, {"relay"})
    published, done = [0], threading.Event()
    publish_batch = relay.publish_batch

    def counted() -> int:
        count = publish_batch()
        published[0] += count
        if published[0] >= n:
            done.set()
        return count

    relay.publish_batch = counted
    relay.producer.partitions_for(topic)  # metadata first, as for the raw producer
    started = time.perf_counter()
    thread = threading.Thread(target=relay.run, name="bench-intake-relay", daemon=True)
    thread.start()
    try:
        if not done.wait(_timeout(n)):
            raise RuntimeError(f"the relay published {published[0]} of {n} rows within {_timeout(n):.0f} s")
        elapsed = time.perf_counter() - started
    finally:
        relay.stop()
        thread.join(timeout=30)
        relay.producer.close()
        engine.dispose()
    return n / elapsed


def _raw_produce(ctx: Context, topic: str, records) -> float:
    """The same records through a plain idempotent producer (the services' settings); records per second."""
    producer = make_producer(ctx.infra.kafka_bootstrap, client_id="rtw-bench-raw")
    producer.partitions_for(topic)  # metadata first, as for the relay
    started = time.perf_counter()
    for key, value, headers in records:
        producer.send(topic, key=key, value=value, headers=headers)
    producer.flush(timeout=300)
    elapsed = time.perf_counter() - started
    producer.close()
    return len(records) / elapsed


def relay(ctx: Context) -> list[Row]:
    """Intake's outbox relay publishing N rows beside a raw idempotent producer sending the same records."""
    from sqlalchemy import create_engine, insert

    n = ctx.sizes.events
    prefix = ctx.topics(CASE.name)
    topic = prefix + CASE.name
    records = case_created_records(n)
    owner_url = ctx.migrated_database("rtw_intake", "relay")
    ctx.progress.say(f"relay: writing {n:,} outbox rows")
    seed = create_engine(owner_url)
    with seed.begin() as conn:
        conn.execute(insert(outbox), _outbox_rows(topic, records))
    seed.dispose()
    ctx.settle()
    ctx.progress.say(f"relay: intake's relay publishing {n:,} rows")
    rtw_rate = _run_relay(ctx, owner_url, prefix, topic, n)
    ctx.settle()
    ctx.progress.say(f"relay: raw idempotent producer, {n:,} records")
    raw_rate = _raw_produce(ctx, topic, records)
    ratio = rtw_rate / raw_rate
    return [
        Row(
            "relay",
            f"intake outbox relay, {n:,} rows",
            f"{rtw_rate:,.0f} rows/s",
            f"raw idempotent producer {raw_rate:,.0f}/s",
            ratio,
            times(ratio),
            "≥ 0.90x",
            at_least(ratio, 0.9),
            {"rows": n, "rtw_rows_per_s": round(rtw_rate, 1), "raw_records_per_s": round(raw_rate, 1)},
        )
    ]
