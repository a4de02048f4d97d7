"""What `/metrics` answers: this process's Prometheus metrics, or, when several processes serve one
port (uvicorn --workers N: `make up REPLICAS=N`, a pod with more than one worker), all of theirs.

prometheus-client's multiprocess mode: with PROMETHEUS_MULTIPROC_DIR set (an empty directory per
replica, made before its processes start), each process writes its counters and histograms to files
there and the scrape, whichever process answers it, sums them. RTW has no gauges, the one kind that
needs a per-process rule. Without it, each process is its own registry, scraped separately (one
process per pod: the Helm chart's default)."""

from __future__ import annotations

import os

from prometheus_client import CONTENT_TYPE_LATEST, CollectorRegistry, generate_latest, multiprocess

MULTIPROCESS_DIR = "PROMETHEUS_MULTIPROC_DIR"
__all__ = ["CONTENT_TYPE_LATEST", "exposition"]


def exposition() -> bytes:
    """The metrics in Prometheus's text format: every process of this replica's, when they share a directory."""
    if os.environ.get(MULTIPROCESS_DIR):
        registry = CollectorRegistry()
        multiprocess.MultiProcessCollector(registry)  # type: ignore[no-untyped-call]  # untyped upstream
        return generate_latest(registry)
    return generate_latest()
