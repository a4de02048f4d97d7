"""Decision → insurer-status latency, beside a raw kafka-python produce→consume round trip,
measured in the same run on a private copy of the system (`make bench`). Prints figures; asserts
nothing (CONTRIBUTING.md: targets are measured, not asserted in timed tests).

    .venv/bin/python bench/latency.py [--runs 30]
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
import uuid
from pathlib import Path

from rtw_devstack import stack
from rtw_devstack.config import StackSettings
from rtw_devstack.journey import Journey
from rtw_devstack.pytest_plugin import infra_from_settings
from rtw_devstack.system import System
from rtw_shared.messaging.clients import ensure_topics, make_consumer, make_producer
from rtw_shared.messaging.topics import topic_partitions
from rtw_shared.testing import Tokens, create_migrated_database, drop_database


def percentile(values: list[float], pct: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(pct / 100 * (len(ordered) - 1)))]


def describe(name: str, samples_ms: list[float]) -> str:
    return (
        f"{name:<42} n={len(samples_ms):<3} p50={percentile(samples_ms, 50):7.1f} ms  "
        f"p99={percentile(samples_ms, 99):7.1f} ms  mean={statistics.mean(samples_ms):7.1f} ms"
    )


def raw_kafka_round_trips(bootstrap: str, runs: int) -> list[float]:
    """produce one record, wait until a subscribed consumer receives it; repeat."""
    topic = f"bench.raw.{uuid.uuid4().hex[:8]}"
    ensure_topics(bootstrap, {topic: 1})
    producer = make_producer(bootstrap)
    consumer = make_consumer(
        bootstrap, topic, group_id=f"bench-{uuid.uuid4().hex}", auto_offset_reset="latest", fetch_max_wait_ms=10
    )
    while not consumer.assignment():
        consumer.poll(timeout_ms=100)
    samples = []
    for _ in range(runs):
        started = time.perf_counter()
        producer.send(topic, b"x").get(timeout=10)
        while not consumer.poll(timeout_ms=100):
            pass
        samples.append((time.perf_counter() - started) * 1000)
    consumer.close()
    producer.close()
    return samples


def decision_to_status(journey: Journey, runs: int) -> list[float]:
    samples = []
    for n in range(runs):
        case = journey.create_case()
        journey.publish_plan(journey.draft_plan(case["id"])["id"])
        request = journey.pending_request(case["id"])
        _, decided_at = journey.confirm(request["id"])
        journey.status_when(case["id"], "ivy", "confirmed")
        samples.append((time.perf_counter() - decided_at) * 1000)
        print(f"  run {n + 1}/{runs}: {samples[-1]:.1f} ms", flush=True)
    return samples


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=30)
    runs = parser.parse_args().runs
    settings = StackSettings()
    stack.ensure(settings, list(stack.INFRASTRUCTURE))
    infra = infra_from_settings(settings)
    prefix = f"b{uuid.uuid4().hex[:8]}."
    ensure_topics(infra.kafka_bootstrap, {prefix + n: p for n, p in topic_partitions().items()})
    made = []

    def make_database(migrations_dir, name):
        db_name, url = create_migrated_database(infra.pg_dsn(), migrations_dir, prefix=f"bench_{name}")
        made.append(db_name)
        return url

    system = System(infra, prefix, Path(tempfile.mkdtemp(prefix="rtw-bench-")), make_database)
    try:
        system.start()
        # Poll the status every 5 ms so the polling adds little to what is measured.
        journey = Journey(system, Tokens(infra.keycloak_url, infra.keycloak_realm), timeout=30, poll_interval=0.005)
        print(f"Decision -> insurer status, {runs} runs:")
        pipeline = decision_to_status(journey, runs)
        raw = raw_kafka_round_trips(infra.kafka_bootstrap, runs)
    finally:
        system.stop()
        for name in made:
            drop_database(infra.pg_dsn(), name)
    print()
    print(describe("raw kafka-python produce->consume", raw))
    print(describe("decision -> insurer status (outbox->inbox)", pipeline))
    print(
        f"difference at p50: {percentile(pipeline, 50) - percentile(raw, 50):.1f} ms; "
        f"p99 ratio: {percentile(pipeline, 99) / percentile(raw, 99):.2f}x"
    )


if __name__ == "__main__":
    main()
