"""Time in one place, so tests can freeze it."""
from __future__ import annotations

from datetime import UTC, datetime


def now() -> datetime:
    return datetime.now(UTC)


def timestamp() -> int:
    return int(now().timestamp())
