"""A short `make chaos`: journeys flow while an API, a worker, Kafka, PostgreSQL and Keycloak are
each taken away once (on a private stack of their own); every journey ends with exactly the
effects of a journey that met no fault. The full run is `make chaos` (24 faults)."""

from __future__ import annotations

import pytest

from rtw_devstack import chaos
from rtw_devstack.config import StackSettings


@pytest.mark.slow
def test_journeys_survive_a_fault_of_every_server_with_every_effect_exactly_once(rtw_infra):
    lines: list[str] = []
    outcome = chaos.run(
        seed=20261127,
        faults=5,
        journeys=12,
        concurrency=2,
        root=StackSettings().data_dir / "chaos-test",  # kept: its Keycloak is unpacked and built once
        say=lines.append,
    )
    chaos.report(outcome, say=lines.append)
    print("\n".join(lines))
    assert {f.name for f in outcome.faults} >= set(chaos.SERVER_FAULTS)
    assert len(outcome.faults) == 5
    assert outcome.journeys and not outcome.failed_journeys, outcome.failed_journeys
    assert outcome.lost_or_doubled == {}
    assert sum(outcome.control.values()) >= 10  # the control journey left effects in many tables
    keycloak = next(f for f in outcome.faults if f.name == "stop keycloak")
    assert keycloak.note == "issued token still accepted"
