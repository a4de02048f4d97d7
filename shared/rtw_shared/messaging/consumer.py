"""The idempotent consumer: applies each event once, whatever Kafka delivers.

ONE path, whether a handler takes one event or a run of them:
1. A polled batch of one partition is decoded; a record that can never be decoded, or (with
   `verify_source`, as every worker runs) whose CloudEvents `source` is not the service that owns
   its type's topic, or that arrived on another topic than its type's, goes to the topic's
   dead-letter twin at once: a forged or misrouted event is never applied.
2. The events this service handles are applied in ONE transaction (`_apply`): their
   `(consumer, event_id)` inbox rows inserted in one statement — a duplicate inserts nothing, is
   counted and skipped —, then each run of consecutive events with the same handler in one call
   (`apply_in_order`), then one commit.
3. If that fails, each event is applied alone through the same `_apply`: an event whose case is
   not known yet is parked (docs/events.md), a database outage is waited out (not the event's
   fault, nothing is dead-lettered for it), and an event that keeps failing is retried a bounded
   number of times, then dead-lettered with the error in its headers; the partition keeps flowing.
Offsets are committed to Kafka only after those transactions committed, so a crash anywhere means
redelivery, never loss, and redelivery is absorbed by the inbox."""

from __future__ import annotations

import threading
import uuid
from collections.abc import Callable
from dataclasses import dataclass

import structlog
from kafka import KafkaConsumer, KafkaProducer
from kafka.consumer.fetcher import ConsumerRecord
from kafka.structs import OffsetAndMetadata, TopicPartition
from prometheus_client import Counter
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.exc import OperationalError

from .. import context
from ..event_tables import inbox
from ..events.base import Envelope, PoisonEventError, decode_record
from ..events.catalogue import CaseEvent
from ..topics import DEAD_LETTER_SUFFIX
from ..uow import UnitOfWork
from . import parking
from .wiring import HandlerMap, RunHandler

log = structlog.get_logger("rtw.consumer")

APPLIED = Counter("rtw_events_applied_total", "Events applied", ["consumer", "type"])
DUPLICATES = Counter("rtw_events_duplicate_total", "Redelivered events skipped by the inbox", ["consumer"])
DEAD_LETTERED = Counter("rtw_events_dead_lettered_total", "Events sent to a dead-letter topic", ["consumer"])
# Records applied together in one transaction, at most (one partition's share of a poll).
MAX_BATCH = 500
PARKED = Counter("rtw_events_parked_total", "Events parked until their case arrives", ["consumer"])
PARKED_FAILURES = Counter(
    "rtw_parked_event_failures_total", "Parked events whose handler failed once released", ["consumer"]
)


@dataclass(frozen=True)
class Delivery:
    """An event as it arrived: its Kafka record (what a dead letter carries) and its decoded envelope."""

    record: ConsumerRecord
    envelope: Envelope


class EventConsumer:
    def __init__(
        self,
        *,
        name: str,
        consumer: KafkaConsumer,
        dead_letter_producer: KafkaProducer,
        uow_factory: Callable[[], UnitOfWork],
        handlers: HandlerMap,
        max_attempts: int = 3,
        retry_backoff: float = 0.2,
        verify_source: bool = False,
    ):
        self.name = name
        self.consumer = consumer
        self.dead_letters = dead_letter_producer
        self.uow_factory = uow_factory
        self.handlers = handlers
        self.max_attempts = max_attempts
        self.retry_backoff = retry_backoff
        self.verify_source = verify_source
        self.stopping = threading.Event()

    def run(self) -> None:
        """Consume until stopped; the current batch is finished and committed before leaving."""
        try:
            while not self.stopping.is_set():
                batches = self.consumer.poll(timeout_ms=500, max_records=MAX_BATCH)
                for partition, records in batches.items():
                    self.process_batch(records)
                    self._commit(partition, records[-1].offset + 1)
        finally:
            self.consumer.close(autocommit=False)

    def stop(self) -> None:
        self.stopping.set()

    def process_batch(self, records: list[ConsumerRecord]) -> None:
        """Apply one partition's polled records: all in one transaction when they apply cleanly, else
        each alone (so an event to park, retry or dead-letter is handled by itself). Returns once
        every record's effect (or dead letter) is committed."""
        deliveries = [d for d in map(self._accept, records) if d is not None]
        if not deliveries:
            return
        if len(deliveries) > 1:
            try:
                self._apply(deliveries)
                return
            except Exception as error:
                log.info(
                    "batch not applied together; applying its events one by one",
                    events=len(deliveries),
                    reason=f"{type(error).__name__}: {error}",
                )
        for delivery in deliveries:
            self._apply_alone(delivery)

    def process(self, record: ConsumerRecord) -> None:
        """Apply one record (or dead-letter it): a batch of one."""
        self.process_batch([record])

    def _accept(self, record: ConsumerRecord) -> Delivery | None:
        """The record as a delivery to apply; None when it is dead-lettered or not this service's business."""
        try:
            envelope = decode_record(record.headers, record.value)
        except PoisonEventError as error:
            self._dead_letter(record, str(error), attempts=1)
            return None
        if forgery := self._forgery(record, envelope):
            self._dead_letter(record, forgery, attempts=1)
            return None
        if self.handlers.handler_for(envelope.type) is None:
            return None
        return Delivery(record, envelope)

    def _forgery(self, record: ConsumerRecord, envelope: Envelope) -> str | None:
        """Why this event must not be trusted (None when it may): its topic's owner did not send it."""
        if not self.verify_source:
            return None
        topic = type(envelope.data).TOPIC
        if not record.topic.endswith(topic.name):
            return f"forged or misrouted: {envelope.type} belongs on {topic.name}, not {record.topic}"
        if envelope.source != topic.owner:
            return f"forged: {envelope.type} comes only from {topic.owner}, this says it is from {envelope.source!r}"
        return None

    def _apply(self, deliveries: list[Delivery]) -> None:
        """THE apply step: claim every event in the inbox in one statement, apply the fresh ones in
        order, commit. Raises (nothing committed) when any of them fails."""
        envelopes = [d.envelope for d in deliveries]
        try:
            with self.uow_factory() as uow:
                fresh = self._claim(uow, envelopes)
                apply_in_order(uow, self.handlers, fresh, consumer=self.name, on_parked_failure=self._parked_failed)
                uow.commit()
        finally:
            context.clear()
        for envelope in fresh:
            APPLIED.labels(self.name, envelope.type).inc()

    def _apply_alone(self, delivery: Delivery) -> None:
        """Apply one event: park it if its case is not known yet, wait out a database outage, retry a
        failing one a bounded number of times and then dead-letter it."""
        failures = 0
        while not self.stopping.is_set():
            try:
                self._apply([delivery])
                return
            except parking.CaseNotKnownYet:
                self._park(delivery.envelope)
                return
            except OperationalError as error:
                log.warning("database unavailable; retrying", event_id=str(delivery.envelope.id), error=str(error))
                self.stopping.wait(1.0)
                continue
            except Exception as error:
                failures += 1
                reason = f"{type(error).__name__}: {error}"
            log.warning(
                "event failed",
                event_id=str(delivery.envelope.id),
                type=delivery.envelope.type,
                attempt=failures,
                error=reason,
            )
            if failures >= self.max_attempts:
                self._dead_letter(delivery.record, reason, attempts=failures)
                return
            self.stopping.wait(self.retry_backoff * failures)
        raise ConsumerStoppingError("stopped before the event was applied; it will be redelivered")

    def _claim(self, uow: UnitOfWork, envelopes: list[Envelope]) -> list[Envelope]:
        """Insert the inbox rows of `envelopes` in one statement; the ones not applied before, in
        order (a redelivery, or a second copy in the same batch, is counted once and skipped)."""
        rows = [{"consumer": self.name, "event_id": e.id, "event_type": e.type} for e in envelopes]
        statement = pg_insert(inbox).values(rows).on_conflict_do_nothing().returning(inbox.c.event_id)
        claimed: set[uuid.UUID] = set(uow.session.execute(statement).scalars())
        fresh = []
        for envelope in envelopes:
            if envelope.id in claimed:
                claimed.discard(envelope.id)
                fresh.append(envelope)
            else:
                DUPLICATES.labels(self.name).inc()
                log.info("duplicate event skipped", event_id=str(envelope.id), type=envelope.type)
        return fresh

    def _park(self, envelope: Envelope) -> None:
        """The handler's transaction was rolled back; record the event as taken and keep it for later."""
        with self.uow_factory() as uow:
            if self._claim(uow, [envelope]):
                parking.park(uow.session, self.name, envelope)
                uow.commit()
                PARKED.labels(self.name).inc()
                log.info("event parked until its case arrives", event_id=str(envelope.id), type=envelope.type)

    def _parked_failed(self, parked: Envelope, error: Exception) -> None:
        PARKED_FAILURES.labels(self.name).inc()
        log.error(
            "parked event failed when released; it stays parked",
            event_id=str(parked.id),
            type=parked.type,
            error=f"{type(error).__name__}: {error}",
        )

    def _dead_letter(self, record: ConsumerRecord, error: str, *, attempts: int) -> None:
        """Send the record, untouched, to the dead-letter topic with why it failed."""
        headers = [
            *(record.headers or []),
            ("rtw_dlq_error", error[:4000].encode()),
            ("rtw_dlq_consumer", self.name.encode()),
            ("rtw_dlq_attempts", str(attempts).encode()),
            ("rtw_dlq_source", f"{record.topic}/{record.partition}/{record.offset}".encode()),
        ]
        topic = record.topic + DEAD_LETTER_SUFFIX
        self.dead_letters.send(topic, key=record.key, value=record.value, headers=headers).get(timeout=30)
        DEAD_LETTERED.labels(self.name).inc()
        log.error(
            "event dead-lettered",
            topic=topic,
            source=f"{record.topic}/{record.partition}/{record.offset}",
            error=error,
            attempts=attempts,
        )

    def _commit(self, partition: TopicPartition, next_offset: int) -> None:
        self.consumer.commit({partition: OffsetAndMetadata(next_offset, "", -1)})


def apply_in_order(
    uow: UnitOfWork,
    handlers: HandlerMap,
    envelopes: list[Envelope],
    *,
    consumer: str,
    on_parked_failure: Callable[[Envelope, Exception], None] | None = None,
) -> None:
    """Apply `envelopes` in order inside `uow` (no commit): each run of consecutive events with the
    same handler in one call. An intake event whose case has parked events ends its run and is
    followed, in this transaction, by those parked events (parking.py)."""
    case_ids = [e.data.case_id for e in envelopes if isinstance(e.data, CaseEvent)]
    waiting = parking.cases_waiting(uow.session, consumer, case_ids)
    for handler, run in _runs(handlers, envelopes, waiting):
        context.bind_correlation_id(run[0].correlation_id)  # a run's log lines carry its first event's
        handler(uow, run)
        last = run[-1].data
        if isinstance(last, CaseEvent) and last.case_id in waiting:
            _release_parked(uow, handlers, consumer, last.case_id, on_parked_failure)


def _runs(
    handlers: HandlerMap, envelopes: list[Envelope], waiting: set[uuid.UUID]
) -> list[tuple[RunHandler, list[Envelope]]]:
    """(handler, run) in order: consecutive events with one handler, cut after any event that releases parked ones."""
    runs: list[tuple[RunHandler, list[Envelope]]] = []
    may_extend = False
    for envelope in envelopes:
        handler = handlers.handler_for(envelope.type)
        if handler is None:
            continue
        if may_extend and runs[-1][0] is handler:
            runs[-1][1].append(envelope)
        else:
            runs.append((handler, [envelope]))
        releases = isinstance(envelope.data, CaseEvent) and envelope.data.case_id in waiting
        may_extend = not releases
    return runs


def _release_parked(
    uow: UnitOfWork,
    handlers: HandlerMap,
    consumer: str,
    case_id: uuid.UUID,
    on_failure: Callable[[Envelope, Exception], None] | None,
) -> None:
    """Apply, in this transaction, the events that were waiting for this case."""
    for parked in parking.take(uow.session, consumer, case_id):
        handler = handlers.handler_for(parked.type)
        if handler is None:
            continue
        try:
            with uow.savepoint():
                handler(uow, [parked])
        except parking.CaseNotKnownYet:  # still missing something: keep waiting
            parking.park(uow.session, consumer, parked)
        except Exception as error:
            # Its own bug must not hold back the event that released it: it stays parked, with why,
            # for an operator to see (the inbox already holds its id, so a dead letter could not be replayed).
            if on_failure:
                on_failure(parked, error)
            parking.park(uow.session, consumer, parked, error=f"{type(error).__name__}: {error}")
        else:
            APPLIED.labels(consumer, parked.type).inc()


class ConsumerStoppingError(RuntimeError):
    """Raised out of `run` when asked to stop while an event could not be applied yet."""
