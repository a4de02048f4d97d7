"""The idempotent consumer: applies each event once, whatever Kafka delivers.

A polled batch of one partition is applied in ONE transaction: its `(consumer, event_id)` inbox
rows inserted in one statement (a duplicate inserts nothing and is skipped), then each new event's
effect in order (a run of events whose handler takes batches in one call: `wiring.handles(batch=True)`).
If anything in the batch fails, the transaction is rolled back and each record is
applied alone, each in a transaction of its own.
Offsets are committed to Kafka only after those transactions committed, so a crash anywhere
means redelivery, never loss, and redelivery is absorbed by the inbox.

A record that keeps failing is retried a bounded number of times, then sent to the topic's
dead-letter twin with the error in its headers, and the partition keeps flowing. A record that
can never be decoded goes there at once, and so does (with `verify_source`, as every worker runs)
one whose CloudEvents `source` is not the service that owns its type's topic, or that arrived on
another topic than its type's: a forged or misrouted event is never applied. Database outages
are not the event's fault: those are retried until the database is back, and nothing is
dead-lettered for them."""

from __future__ import annotations

import threading
from collections.abc import Callable, Mapping

import structlog
from kafka import KafkaConsumer, KafkaProducer
from kafka.consumer.fetcher import ConsumerRecord
from kafka.structs import OffsetAndMetadata, TopicPartition
from prometheus_client import Counter
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.exc import OperationalError

from rtw_shared import context
from rtw_shared.events.base import Envelope, PoisonEventError, decode_record
from rtw_shared.events.catalogue import CaseEvent
from rtw_shared.uow import UnitOfWork

from ..event_tables import inbox
from ..topics import DEAD_LETTER_SUFFIX
from . import parking
from .wiring import Handler

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


class EventConsumer:
    def __init__(
        self,
        *,
        name: str,
        consumer: KafkaConsumer,
        dead_letter_producer: KafkaProducer,
        uow_factory: Callable[[], UnitOfWork],
        handlers: Mapping[str, Handler],
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

    def process_batch(self, records: list[ConsumerRecord]) -> None:
        """Apply one partition's polled records: all in one transaction when they all apply cleanly,
        else one by one (so a poison event, an event to park or a database outage is handled alone)."""
        if not self._apply_together(records):
            for record in records:
                self.process(record)

    def _apply_together(self, records: list[ConsumerRecord]) -> bool:
        """One transaction for the whole batch: inbox rows in one statement, then each new event's
        effect in order, one commit. False (nothing committed) when any record needs the careful path."""
        try:
            envelopes = [decode_record(record.headers, record.value) for record in records]
        except PoisonEventError:
            return False
        if any(self._forgery(record, envelope) for record, envelope in zip(records, envelopes, strict=True)):
            return False
        wanted = [envelope for envelope in envelopes if envelope.type in self.handlers]
        if not wanted:
            return True  # none of them concerns this service
        applied: list[Envelope] = []
        try:
            with self.uow_factory() as uow:
                claimed = self._claim_all(uow, wanted)
                fresh = []
                for envelope in wanted:
                    if envelope.id not in claimed:
                        DUPLICATES.labels(self.name).inc()
                        log.info("duplicate event skipped", event_id=str(envelope.id), type=envelope.type)
                        continue
                    claimed.discard(envelope.id)  # a copy later in the same batch is a duplicate too
                    fresh.append(envelope)
                self._apply_all_in(uow, fresh)
                applied = fresh
                uow.commit()
        except Exception as error:  # the careful path retries, parks or dead-letters each record alone
            log.info(
                "batch not applied together; applying its records one by one",
                records=len(records),
                reason=f"{type(error).__name__}: {error}",
            )
            return False
        finally:
            context.clear()
        for envelope in applied:
            APPLIED.labels(self.name, envelope.type).inc()
        return True

    def _apply_all_in(self, uow: UnitOfWork, envelopes: list[Envelope]) -> None:
        """Apply `envelopes` in order: a run of consecutive events with one batch handler in one
        call, the others one by one. An event whose case has parked events is applied alone, with
        them right after it, exactly as on the one-by-one path."""
        case_ids = [e.data.case_id for e in envelopes if isinstance(e.data, CaseEvent)]
        waiting = parking.cases_waiting(uow.session, self.name, case_ids)
        batch_of = getattr(self.handlers, "batch_handler", lambda event_type: None)
        run: list[Envelope] = []
        for envelope in envelopes:
            batch = batch_of(envelope.type)
            releases = isinstance(envelope.data, CaseEvent) and envelope.data.case_id in waiting
            if run and (batch is None or releases or batch is not batch_of(run[0].type)):
                self._apply_run(uow, batch_of(run[0].type), run)
                run = []
            if batch is not None and not releases:
                run.append(envelope)
            else:
                self._apply_in(uow, envelope, release=releases)
        if run:
            self._apply_run(uow, batch_of(run[0].type), run)

    def _apply_run(self, uow: UnitOfWork, batch, run: list[Envelope]) -> None:
        # One correlation id per log line: a run's events each had their own; keep the first's.
        context.bind_correlation_id(run[0].correlation_id)
        batch(uow, run)

    def _apply_in(self, uow: UnitOfWork, envelope: Envelope, *, release: bool = True) -> None:
        context.bind_correlation_id(envelope.correlation_id)
        self.handlers[envelope.type](uow, envelope)
        if release and isinstance(envelope.data, CaseEvent):
            self._release_parked(uow, envelope.data.case_id)

    def _claim_all(self, uow: UnitOfWork, envelopes: list[Envelope]) -> set:
        """Insert the inbox rows of `envelopes` in one statement; the ids not applied before."""
        rows = [{"consumer": self.name, "event_id": e.id, "event_type": e.type} for e in envelopes]
        statement = pg_insert(inbox).values(rows).on_conflict_do_nothing().returning(inbox.c.event_id)
        return set(uow.session.execute(statement).scalars())

    def stop(self) -> None:
        self.stopping.set()

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

    def process(self, record: ConsumerRecord) -> None:
        """Apply one record (or dead-letter it). Returns once its effect is committed."""
        try:
            envelope = decode_record(record.headers, record.value)
        except PoisonEventError as error:
            self._dead_letter(record, str(error), attempts=1)
            return
        if forgery := self._forgery(record, envelope):
            self._dead_letter(record, forgery, attempts=1)
            return
        handler = self.handlers.get(envelope.type)
        if handler is None:
            return  # an event this service does not care about
        context.bind_correlation_id(envelope.correlation_id)
        try:
            self._apply_with_retries(record, envelope, handler)
        finally:
            context.clear()

    def _apply_with_retries(self, record: ConsumerRecord, envelope: Envelope, handler: Handler) -> None:
        failures = 0
        while not self.stopping.is_set():
            try:
                self._apply(envelope, handler)
                return
            except OperationalError as error:
                # The database is away: not the event's fault, so it does not count against it.
                log.warning("database unavailable; retrying", event_id=str(envelope.id), error=str(error))
                self.stopping.wait(1.0)
                continue
            except Exception as error:
                failures += 1
                reason = f"{type(error).__name__}: {error}"
            log.warning("event failed", event_id=str(envelope.id), type=envelope.type, attempt=failures, error=reason)
            if failures >= self.max_attempts:
                self._dead_letter(record, reason, attempts=failures)
                return
            self.stopping.wait(self.retry_backoff * failures)
        raise ConsumerStoppingError("stopped before the event was applied; it will be redelivered")

    def _apply(self, envelope: Envelope, handler: Handler) -> None:
        try:
            with self.uow_factory() as uow:
                if not self._claim(uow, envelope):
                    return
                handler(uow, envelope)
                if isinstance(envelope.data, CaseEvent):
                    self._release_parked(uow, envelope.data.case_id)
                uow.commit()
        except parking.CaseNotKnownYet:
            self._park(envelope)
            return
        APPLIED.labels(self.name, envelope.type).inc()

    def _claim(self, uow: UnitOfWork, envelope: Envelope) -> bool:
        """Insert the inbox row; False (and counted) when this event was applied before."""
        claimed = uow.session.execute(
            pg_insert(inbox)
            .values(consumer=self.name, event_id=envelope.id, event_type=envelope.type)
            .on_conflict_do_nothing()
            .returning(inbox.c.event_id)
        ).first()
        if claimed is None:
            DUPLICATES.labels(self.name).inc()
            log.info("duplicate event skipped", event_id=str(envelope.id), type=envelope.type)
        return claimed is not None

    def _park(self, envelope: Envelope) -> None:
        """The handler's transaction was rolled back; record the event as taken and keep it for later."""
        with self.uow_factory() as uow:
            if self._claim(uow, envelope):
                parking.park(uow.session, self.name, envelope)
                uow.commit()
                PARKED.labels(self.name).inc()
                log.info("event parked until its case arrives", event_id=str(envelope.id), type=envelope.type)

    def _release_parked(self, uow: UnitOfWork, case_id) -> None:
        """Apply, in this transaction, the events that were waiting for this case."""
        for parked in parking.take(uow.session, self.name, case_id):
            try:
                with uow.savepoint():
                    self.handlers[parked.type](uow, parked)
            except parking.CaseNotKnownYet:  # still missing something: keep waiting
                parking.park(uow.session, self.name, parked)
            except Exception as error:
                # Its own bug must not hold back the event that released it: it stays parked, with why,
                # for an operator to see (the inbox already holds its id, so a dead letter could not be replayed).
                PARKED_FAILURES.labels(self.name).inc()
                log.error(
                    "parked event failed when released; it stays parked",
                    event_id=str(parked.id),
                    type=parked.type,
                    error=f"{type(error).__name__}: {error}",
                )
                parking.park(uow.session, self.name, parked, error=f"{type(error).__name__}: {error}")
            else:
                APPLIED.labels(self.name, parked.type).inc()

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


class ConsumerStoppingError(RuntimeError):
    """Raised out of `run` when asked to stop while an event could not be applied yet."""
