"""The topic catalogue: one place that names every topic, its partitions and its dead-letter twin.

Events are keyed by case id, so a case's events share a partition and stay in order; the
partition count bounds how many consumers of one group can work in parallel.
"""

from __future__ import annotations

from dataclasses import dataclass

DEAD_LETTER_SUFFIX = ".dlq"


@dataclass(frozen=True)
class Topic:
    name: str
    partitions: int
    # The one service that writes it: consumers refuse an event whose `source` says otherwise.
    owner: str
    # Dead letters are rare and only replayed by hand; one partition keeps their order simple.
    dead_letter_partitions: int = 1

    @property
    def dead_letter(self) -> str:
        return self.name + DEAD_LETTER_SUFFIX


CASE = Topic("intake.case.v1", partitions=6, owner="intake")
PLAN = Topic("workplan.plan.v1", partitions=6, owner="workplan")
ACCOMMODATION = Topic("employer.accommodation.v1", partitions=6, owner="employer")
DELIVERY = Topic("notify.delivery.v1", partitions=6, owner="notify")

ALL_TOPICS: tuple[Topic, ...] = (CASE, PLAN, ACCOMMODATION, DELIVERY)


def topic_partitions() -> dict[str, int]:
    """Every topic the system uses (dead-letter topics included) with its partition count."""
    wanted: dict[str, int] = {}
    for topic in ALL_TOPICS:
        wanted[topic.name] = topic.partitions
        wanted[topic.dead_letter] = topic.dead_letter_partitions
    return wanted
