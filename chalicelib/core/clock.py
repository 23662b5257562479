"""Time in one place, so tests can freeze it."""
from __future__ import annotations

import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime


def now() -> datetime:
    return datetime.now(UTC)


def timestamp() -> int:
    return int(now().timestamp())


@contextmanager
def no_sooner_than(seconds: float) -> Iterator[None]:
    """Makes the block take at least `seconds` of wall time, whatever it did or raised: a request
    that must not tell by its time whether an account exists answers no sooner than that."""
    started = time.monotonic()
    try:
        yield
    finally:
        time.sleep(max(0.0, seconds - (time.monotonic() - started)))
