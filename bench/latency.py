"""Decision → insurer-status latency, beside a raw kafka-python produce→consume round trip,
measured in the same run on a private copy of the system. `make bench` (bench/run.py) takes its
figure from `figure`; run alone it prints the samples. Prints figures; asserts nothing
(CONTRIBUTING.md: targets are measured, not asserted in timed tests).

    .venv/bin/python bench/latency.py [--runs 30]
"""

from __future__ import annotations

import argparse
import statistics
import time
from collections.abc import Callable

from harness import Context, Progress, Row, Sizes, percentile, times
from kafka import TopicPartition

from rtw_devstack.journey import Journey
from rtw_shared.messaging.clients import make_consumer, make_producer

RAW_POLL_MS = 10
RAW_WARMUP = 3  # round trips not counted: the first sends fetch metadata and open connections
RAW_WAIT_S = 10  # a record not received by then is lost, not late: say so rather than wait forever


def describe(name: str, samples_ms: list[float]) -> str:
    return (
        f"{name:<42} n={len(samples_ms):<3} p50={percentile(samples_ms, 50):7.1f} ms  "
        f"p99={percentile(samples_ms, 99):7.1f} ms  mean={statistics.mean(samples_ms):7.1f} ms"
    )


def raw_kafka_round_trips(bootstrap: str, topic: str, runs: int) -> list[float]:
    """produce one record to `topic` (new, one partition, empty), wait until a consumer receives it; repeat.

    The consumer is assigned the partition itself, from its earliest offset, its position fetched before
    the first send: no consumer group, so no join, rebalance or leave to wait on (a CI run once waited
    minutes somewhere in a group's subscription), and nothing sent can be skipped. Every wait is bounded:
    a record not received in RAW_WAIT_S is an error naming the topic, not a run that never ends."""
    partition = TopicPartition(topic, 0)
    producer = make_producer(bootstrap)
    consumer = make_consumer(bootstrap, group_id=None, auto_offset_reset="earliest", fetch_max_wait_ms=10)
    try:
        consumer.assign([partition])
        consumer.position(partition, timeout_ms=RAW_WAIT_S * 1000)
        samples = []
        for _ in range(RAW_WARMUP + runs):
            started = time.perf_counter()
            producer.send(topic, b"x").get(timeout=RAW_WAIT_S)
            # Short polls: in kafka-python, a poll whose fetch came back empty just before the record arrived
            # waits out the rest of its timeout before fetching again (with 100 ms polls, ~100 ms in about a
            # third of the round trips); the baseline is the broker's round trip, not that wait.
            while not consumer.poll(timeout_ms=RAW_POLL_MS):
                if time.perf_counter() - started > RAW_WAIT_S:
                    raise RuntimeError(f"a record sent to {topic} was not received within {RAW_WAIT_S} s")
            samples.append((time.perf_counter() - started) * 1000)
    finally:
        consumer.close(autocommit=False, timeout_ms=RAW_WAIT_S * 1000)
        producer.close(timeout=RAW_WAIT_S)
    return samples[RAW_WARMUP:]


def decision_to_status(journey: Journey, runs: int, on_run: Callable[[int, float], None]) -> list[float]:
    """Per run: a new case through plan, publish and request; the time from the employer's decision
    until the insurer's status shows it (polled every 5 ms)."""
    samples = []
    for n in range(runs):
        case = journey.create_case()
        journey.publish_plan(journey.draft_plan(case["id"])["id"])
        request = journey.pending_request(case["id"])
        _, decided_at = journey.confirm(request["id"])
        journey.status_when(case["id"], "ivy", "confirmed")
        samples.append((time.perf_counter() - decided_at) * 1000)
        on_run(n, samples[-1])
    return samples


def journey_of(ctx: Context) -> Journey:
    # Poll the status every 5 ms so the polling adds little to what is measured.
    return Journey(ctx.system(), ctx.tokens(), timeout=30, poll_interval=0.005)


def figure(ctx: Context) -> list[Row]:
    """Decision → insurer status p50 and p99 beside the raw produce→consume round trip."""
    runs = ctx.sizes.runs
    journey = journey_of(ctx)
    ctx.settle()
    pipeline = decision_to_status(
        journey, runs, lambda n, ms: ctx.progress.say(f"decision -> status run {n + 1}/{runs}: {ms:.1f} ms")
    )
    ctx.progress.say(f"raw kafka-python produce -> consume, {runs} round trips")
    raw = raw_kafka_round_trips(ctx.infra.kafka_bootstrap, ctx.scratch_topic(), runs)
    p50, raw50 = percentile(pipeline, 50), percentile(raw, 50)
    p99, raw99 = percentile(pipeline, 99), percentile(raw, 99)
    values = {
        "runs": runs,
        "p50_minus_raw_ms": round(p50 - raw50, 2),
        "pipeline_ms": [round(v, 2) for v in pipeline],
        "raw_ms": [round(v, 2) for v in raw],
    }
    what = f"decision -> insurer status, {runs} runs"
    return [
        Row(
            "latency",
            f"{what} (p50)",
            f"p50 {p50:.1f} ms",
            f"raw produce->consume p50 {raw50:.1f} ms",
            p50 / raw50,
            f"{p50 - raw50:+.1f} ms",
            "≤ raw + 10 ms",
            p50 - raw50 <= 10,
            values,
        ),
        Row(
            "latency",
            f"{what} (p99)",
            f"p99 {p99:.1f} ms",
            f"raw produce->consume p99 {raw99:.1f} ms",
            p99 / raw99,
            times(p99 / raw99),
            "≤ 3.00x",
            p99 / raw99 <= 3,
            values,
        ),
    ]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--runs", type=int, default=30)
    runs = parser.parse_args().runs
    sizes = Sizes.of(quick=False, events=None, soak_seconds=None, seconds=None)
    sizes.runs = runs
    ctx = Context(sizes, Progress())
    try:
        print(f"Decision -> insurer status, {runs} runs:")
        journey = journey_of(ctx)
        pipeline = decision_to_status(
            journey, runs, lambda n, ms: print(f"  run {n + 1}/{runs}: {ms:.1f} ms", flush=True)
        )
        raw = raw_kafka_round_trips(ctx.infra.kafka_bootstrap, ctx.scratch_topic(), runs)
    finally:
        ctx.close()
    print()
    print(describe("raw kafka-python produce->consume", raw))
    print(describe("decision -> insurer status (outbox->inbox)", pipeline))
    print(
        f"difference at p50: {percentile(pipeline, 50) - percentile(raw, 50):.1f} ms; "
        f"p99 ratio: {percentile(pipeline, 99) / percentile(raw, 99):.2f}x"
    )


if __name__ == "__main__":
    main()
