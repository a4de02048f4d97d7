"""Replays dead letters: puts each record of a `.dlq` topic back on the topic it came from, as it
was first published (the `rtw_dlq_*` headers removed), once the cause has been fixed.

    python -m rtw_shared.messaging.replay intake.case.v1.dlq [--bootstrap 127.0.0.1:59092] [--max 100]

Safe to run twice: the replayer's own consumer group remembers what it already replayed, and a
record replayed again anyway is dropped by the consumers' inbox (same event id)."""

from __future__ import annotations

import argparse

from ..topics import DEAD_LETTER_SUFFIX
from .clients import make_consumer, make_producer

REPLAY_GROUP = "rtw-dlq-replay"
DLQ_HEADER_PREFIX = "rtw_dlq_"


def source_topic(dead_letter_topic: str) -> str:
    if not dead_letter_topic.endswith(DEAD_LETTER_SUFFIX):
        raise ValueError(f"{dead_letter_topic} is not a dead-letter topic (it should end in {DEAD_LETTER_SUFFIX})")
    return dead_letter_topic.removesuffix(DEAD_LETTER_SUFFIX)


def replay(
    bootstrap: str,
    dead_letter_topic: str,
    *,
    max_records: int = 1000,
    idle_ms: int = 3000,
    group_id: str = REPLAY_GROUP,
) -> int:
    """Republish up to `max_records` dead letters this group has not replayed before; return how many."""
    target = source_topic(dead_letter_topic)
    consumer = make_consumer(
        bootstrap, dead_letter_topic, group_id=group_id, client_id="rtw-dlq-replay", consumer_timeout_ms=idle_ms
    )
    producer = make_producer(bootstrap, client_id="rtw-dlq-replay")
    replayed = 0
    try:
        for record in consumer:
            headers = [(k, v) for k, v in (record.headers or []) if not k.startswith(DLQ_HEADER_PREFIX)]
            producer.send(target, key=record.key, value=record.value, headers=headers).get(timeout=30)
            consumer.commit()  # after the broker has the copy: a crash here replays it again, never loses it
            replayed += 1
            if replayed >= max_records:
                break
    finally:
        consumer.close(autocommit=False)
        producer.close()
    return replayed


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("topic", help="the dead-letter topic, e.g. intake.case.v1.dlq")
    parser.add_argument("--bootstrap", default="127.0.0.1:59092")
    parser.add_argument("--max", type=int, default=1000, help="replay at most this many records")
    args = parser.parse_args()
    count = replay(args.bootstrap, args.topic, max_records=args.max)
    print(f"replayed {count} record(s) from {args.topic} to {source_topic(args.topic)}")


if __name__ == "__main__":
    main()
