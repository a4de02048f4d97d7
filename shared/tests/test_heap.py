"""A service process, once started, keeps its start-up objects out of the collector's walks."""

from __future__ import annotations

import gc

from rtw_shared.heap import THRESHOLDS, settle_after_start


def test_once_settled_the_start_up_objects_are_frozen_and_young_collections_spaced_out():
    settle_after_start()
    assert gc.get_threshold() == THRESHOLDS
    assert gc.get_freeze_count() > 10_000  # the modules, routes and models imported before it


def test_settling_again_freezes_nothing_more():
    # A test process starts hundreds of apps: a second freeze would keep their garbage for good.
    settle_after_start()
    frozen = gc.get_freeze_count()
    [object() for _ in range(10)]
    garbage = [[]]
    garbage[0].append(garbage)
    settle_after_start()
    assert gc.get_freeze_count() == frozen
