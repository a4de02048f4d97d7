"""SIGTERM is graceful, within a bound: an API (run with the stack's own server argv) finishes the
request in flight and takes no new one; a worker's consumer finishes and commits its batch."""

from __future__ import annotations

import os
import signal
import subprocess
import textwrap
import threading
import time
import uuid

import httpx
import pytest
from sqlalchemy import insert, select

from rtw_devstack.procs import wait_until
from rtw_devstack.services import SERVICE_DEFS, api_argv, api_ready
from rtw_devstack.system import free_port

SLOW_APP = textwrap.dedent(
    """
    import os, time
    from fastapi import APIRouter
    from rtw_shared.settings import ServiceSettings
    from rtw_shared.web import create_service_app

    def create_app():
        router = APIRouter()

        @router.get("/slow")
        def slow() -> dict:
            time.sleep(2.0)
            return {"finished": True}

        settings = ServiceSettings(service_name="slow", database_url=os.environ["SLOW_DATABASE_URL"], log_json=False)
        return create_service_app(settings, title="slow", routers=[router])
    """
)


def test_sigterm_lets_the_api_finish_its_request_and_refuse_new_ones(scratch_database, tmp_path):
    (tmp_path / "slow_app.py").write_text(SLOW_APP)
    port = free_port()
    intake = SERVICE_DEFS[0]
    argv = api_argv(intake, port)
    argv[argv.index(f"{intake.package}.app:create_app")] = "slow_app:create_app"
    env = {
        **os.environ,
        "PYTHONPATH": str(tmp_path),
        "SLOW_DATABASE_URL": scratch_database.replace("postgresql://", "postgresql+psycopg://"),
    }
    server = subprocess.Popen(argv, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        assert wait_until(lambda: api_ready("127.0.0.1", port), 30, interval=0.2)
        answers: list = []
        request = threading.Thread(
            target=lambda: answers.append(httpx.get(f"http://127.0.0.1:{port}/slow", timeout=10))
        )
        request.start()
        time.sleep(0.5)  # the request is in flight
        stopped_at = time.monotonic()
        server.send_signal(signal.SIGTERM)
        time.sleep(0.3)
        with pytest.raises(httpx.ConnectError):  # no new requests once stopping
            httpx.get(f"http://127.0.0.1:{port}/healthz", timeout=2)
        request.join(timeout=15)
        assert answers and answers[0].status_code == 200 and answers[0].json() == {"finished": True}
        # uvicorn re-raises the signal once it has shut down, so the exit status says "SIGTERM".
        assert server.wait(timeout=15) in (0, -signal.SIGTERM)
        assert time.monotonic() - stopped_at < 12  # the bound: uvicorn's --timeout-graceful-shutdown 10
    finally:
        if server.poll() is None:
            server.kill()


def test_a_stopped_consumer_finishes_and_commits_the_batch_it_holds(rtw_infra, scratch_database, fresh_topic):
    from rtw_shared.db import make_engine, make_session_factory
    from rtw_shared.event_tables import metadata as messaging
    from rtw_shared.events import CaseStatusChangedV1, Envelope, encode_record
    from rtw_shared.messaging.clients import make_consumer, make_producer
    from rtw_shared.messaging.consumer import EventConsumer
    from rtw_shared.testing import HandlersByType
    from rtw_shared.uow import UnitOfWork

    from .conftest_tables import applied, applied_metadata

    engine = make_engine(scratch_database.replace("postgresql://", "postgresql+psycopg://"), pool_size=2)
    messaging.create_all(engine)
    applied_metadata.create_all(engine)
    topic = fresh_topic(partitions=1)
    case_id = uuid.uuid4()
    producer = make_producer(rtw_infra.kafka_bootstrap)
    for n in range(4):
        event = CaseStatusChangedV1(case_id=case_id, from_status=str(n), to_status=str(n + 1))
        key, value, headers = encode_record(Envelope(source="intake", data=event))
        producer.send(topic, key=key, value=value, headers=headers)
    producer.flush(timeout=30)
    producer.close()

    started = threading.Event()

    def slow_handler(uow, envelope):
        started.set()
        time.sleep(0.4)
        uow.session.execute(insert(applied).values(event_id=envelope.id))

    group = f"graceful-{uuid.uuid4().hex[:8]}"
    session_factory = make_session_factory(engine)
    consumer = EventConsumer(
        name="graceful",
        consumer=make_consumer(rtw_infra.kafka_bootstrap, topic, group_id=group),
        dead_letter_producer=make_producer(rtw_infra.kafka_bootstrap),
        uow_factory=lambda: UnitOfWork(session_factory, source="test"),
        handlers=HandlersByType({CaseStatusChangedV1.TYPE: slow_handler}),
    )
    thread = threading.Thread(target=consumer.run)
    thread.start()
    assert started.wait(30)
    consumer.stop()  # what the worker's SIGTERM handler does
    thread.join(timeout=30)
    assert not thread.is_alive()
    with engine.connect() as conn:
        assert len(conn.execute(select(applied.c.event_id)).all()) == 4  # the whole polled batch
    again = make_consumer(rtw_infra.kafka_bootstrap, topic, group_id=group)
    leftovers = [r for _ in range(6) for b in again.poll(timeout_ms=500).values() for r in b]
    again.close()
    assert leftovers == []  # its offsets were committed: nothing comes back
    engine.dispose()
