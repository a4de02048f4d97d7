"""Progress lines for long work: what is being done, and how long each step took."""

from __future__ import annotations

import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager


def say(component: str, message: str) -> None:
    print(f"[{component:<8}] {message}", file=sys.stderr, flush=True)


@contextmanager
def step(component: str, message: str) -> Iterator[None]:
    """Print `message…`, run the block, then print how long it took."""
    say(component, f"{message}…")
    started = time.monotonic()
    yield
    say(component, f"{message}: done in {time.monotonic() - started:.1f}s")
