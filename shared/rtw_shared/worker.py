"""The worker process every service runs beside its API: the outbox relay, the event consumer,
and any loops of the service's own (notify's email sender), each on a thread. SIGTERM/SIGINT
stop them gracefully: the current event or batch is finished and committed first."""

from __future__ import annotations

import argparse
import json
import signal
import threading
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, Generic, Protocol, TypeVar

import structlog
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session, sessionmaker

from . import heap
from .clock import Clock, process_clock, system_clock
from .db import make_engine, make_session_factory
from .logging import configure_logging
from .messaging.clients import make_consumer, make_producer
from .messaging.consumer import EventConsumer
from .messaging.pruning import Pruner
from .messaging.relay import OutboxRelay
from .messaging.wiring import HandlerMap
from .metrics import CONTENT_TYPE_LATEST, exposition
from .settings import ServiceSettings
from .timers import TimerHandler, TimerLoop
from .uow import UnitOfWork

log = structlog.get_logger("rtw.worker")


class Loop(Protocol):
    """Something the worker runs on a thread until asked to stop."""

    def run(self) -> None: ...
    def stop(self) -> None: ...


SettingsT = TypeVar("SettingsT", bound=ServiceSettings)


@dataclass
class LoopContext(Generic[SettingsT]):
    """What every loop of one worker shares: its database, its settings and its ONE clock."""

    engine: Engine
    settings: SettingsT
    clock: Clock
    session_factory: sessionmaker[Session] = field(init=False)

    def __post_init__(self) -> None:
        self.session_factory = make_session_factory(self.engine)

    def unit_of_work(self) -> UnitOfWork:
        """A Unit of Work on this worker's database, stamping times with its clock."""
        return UnitOfWork(
            self.session_factory,
            source=self.settings.service_name,
            topic_prefix=self.settings.topic_prefix,
            clock=self.clock,
        )


@dataclass
class WorkerSpec(Generic[SettingsT]):
    """What a service's worker consumes and runs (`clock`: the process clock unless a test gives one)."""

    settings: SettingsT
    consumer_name: str
    handlers: HandlerMap  # the topics consumed follow from the handlers' event classes
    extra_loops: list[Callable[[LoopContext[SettingsT]], Loop]] = field(default_factory=list)
    clock: Clock = field(default_factory=process_clock)

    @property
    def topics(self) -> list[str]:
        return self.handlers.topics


def timer_loop(handlers: Mapping[str, TimerHandler]) -> Callable[[LoopContext[Any]], Loop]:
    """A worker loop firing the service's due durable timers on the worker's clock."""

    def make(context: LoopContext[Any]) -> Loop:
        return TimerLoop(context.unit_of_work, handlers, clock=context.clock)

    return make


def build_loops(spec: WorkerSpec[Any], engine: Engine, parts: set[str]) -> list[Loop]:
    s = spec.settings
    context = LoopContext(engine, s, spec.clock)
    loops: list[Loop] = []
    if "relay" in parts:
        producer = make_producer(s.kafka_bootstrap, client_id=f"{s.service_name}-relay", principal=s.kafka_principal)
        loops.append(
            OutboxRelay(engine, producer, max_attempts=s.relay_max_attempts, poll_seconds=s.relay_poll_seconds)
        )
    if "consumer" in parts and spec.topics:
        loops.append(
            EventConsumer(
                name=spec.consumer_name,
                consumer=make_consumer(
                    s.kafka_bootstrap,
                    *[s.topic_prefix + t for t in spec.topics],
                    group_id=s.topic_prefix + spec.consumer_name,
                    client_id=f"{s.service_name}-consumer",
                    principal=s.kafka_principal,
                ),
                dead_letter_producer=make_producer(
                    s.kafka_bootstrap, client_id=f"{s.service_name}-dlq", principal=s.kafka_principal
                ),
                uow_factory=context.unit_of_work,
                handlers=spec.handlers,
                max_attempts=s.consumer_max_attempts,
                verify_source=True,
            )
        )
    if "loops" in parts:
        loops += [make(context) for make in spec.extra_loops]
    if "prune" in parts:
        loops.append(
            Pruner(
                engine,
                retention=timedelta(days=s.retention_days),
                every_seconds=s.prune_every_seconds,
                # Real time, not the movable clock: retention is about how long Kafka may still
                # redeliver an event, which a test moving the clock forward does not change.
                clock=system_clock,
            )
        )
    return loops


def run_worker(spec: WorkerSpec[Any], argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=f"{spec.settings.service_name} worker")
    parser.add_argument(
        "--only",
        default="relay,consumer,loops,prune",
        help="comma-separated parts to run: relay, consumer, loops (the service's own), prune",
    )
    parts = set(parser.parse_args(argv).only.split(","))
    configure_logging(spec.settings.service_name, level=spec.settings.log_level, json=spec.settings.log_json)
    engine = make_engine(spec.settings.database_url, pool_size=4)
    loops = build_loops(spec, engine, parts)
    threads = [threading.Thread(target=_guarded(loop), name=type(loop).__name__, daemon=True) for loop in loops]
    heap.settle_after_start()
    stopping = threading.Event()
    for sig in (signal.SIGTERM, signal.SIGINT):
        signal.signal(sig, lambda *_: stopping.set())
    for thread in threads:
        thread.start()
    s = spec.settings
    health = HealthServer(threads, s.worker_health_port, s.worker_health_host) if s.worker_health_port else None
    if health:
        health.start()
    log.info("worker started", parts=sorted(parts), loops=[t.name for t in threads], health_port=health and health.port)
    while not stopping.wait(0.5):
        if not all(t.is_alive() for t in threads):
            log.error("a worker loop died; exiting so the supervisor restarts us")
            break
    for loop in loops:
        loop.stop()
    for thread in threads:
        thread.join(timeout=30)
    if health:
        health.stop()
    engine.dispose()
    log.info("worker stopped")


class HealthServer:
    """`GET /healthz` on the worker: 200 while every loop's thread is alive, 503 naming the dead ones
    otherwise (for a supervisor or an orchestrator to probe); `GET /metrics` for Prometheus."""

    def __init__(self, threads: list[threading.Thread], port: int, host: str = "127.0.0.1"):
        self._threads = threads
        self._server = ThreadingHTTPServer((host, port), self._handler())
        self.port = self._server.server_address[1]

    def start(self) -> None:
        threading.Thread(target=self._server.serve_forever, name="HealthServer", daemon=True).start()

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()

    def dead(self) -> list[str]:
        return [t.name for t in self._threads if not t.is_alive()]

    def _handler(self) -> type[BaseHTTPRequestHandler]:
        health = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                if self.path == "/healthz":
                    dead = health.dead()
                    body = json.dumps({"status": "dead loops" if dead else "ok", "dead": dead}).encode()
                    self._answer(503 if dead else 200, "application/json", body)
                elif self.path == "/metrics":
                    self._answer(200, CONTENT_TYPE_LATEST, exposition())
                else:
                    self._answer(404, "text/plain", b"not found")

            def _answer(self, status: int, content_type: str, body: bytes) -> None:
                self.send_response(status)
                self.send_header("Content-Type", content_type)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *args: object) -> None:  # probes every few seconds: not worth a log line
                pass

        return Handler


def _guarded(loop: Loop) -> Callable[[], None]:
    def run() -> None:
        try:
            loop.run()
        except Exception:
            log.exception("worker loop crashed", loop=type(loop).__name__)

    return run
