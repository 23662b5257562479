"""Time in one place, so tests can freeze it."""
from __future__ import annotations

from datetime import datetime, timezone


def now() -> datetime:
    return datetime.now(timezone.utc)


def timestamp() -> int:
    return int(now().timestamp())
