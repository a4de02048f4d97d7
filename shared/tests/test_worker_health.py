"""The worker's health endpoint, over real HTTP: 200 while every loop runs, 503 naming a dead one."""

from __future__ import annotations

import threading

import httpx

from rtw_shared.worker import HealthServer


def test_health_is_ok_while_every_loop_runs_and_names_the_dead_one_after() -> None:
    stop = threading.Event()
    relay = threading.Thread(target=stop.wait, name="OutboxRelay", daemon=True)
    relay.start()
    loops = [relay]
    health = HealthServer(loops, port=0)
    health.start()
    url = f"http://127.0.0.1:{health.port}"
    try:
        assert httpx.get(url + "/healthz").json() == {"status": "ok", "dead": []}
        consumer = threading.Thread(target=lambda: None, name="EventConsumer", daemon=True)
        consumer.start()
        consumer.join()  # a loop that ended: the worker is unhealthy
        loops.append(consumer)
        answer = httpx.get(url + "/healthz")
        assert answer.status_code == 503 and answer.json() == {"status": "dead loops", "dead": ["EventConsumer"]}
        assert "python_info" in httpx.get(url + "/metrics").text
    finally:
        health.stop()
        stop.set()


def test_health_listens_on_every_address_when_asked_so_a_kubelet_can_probe_it() -> None:
    health = HealthServer([], port=0, host="0.0.0.0")  # noqa: S104 — what a pod's probes and scrapes need
    health.start()
    try:
        assert health._server.server_address[0] == "0.0.0.0"  # noqa: S104
        assert httpx.get(f"http://127.0.0.1:{health.port}/healthz").json() == {"status": "ok", "dead": []}
    finally:
        health.stop()
