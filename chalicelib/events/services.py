"""Security history: one way to record an event (tags from chalicelib.events.tags)."""
from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from chalicelib.core import clock
from chalicelib.events.models import Event
from chalicelib.events.tags import Tag, describe

KEEP_FOR = timedelta(days=365 * 2)
HISTORY_LENGTH = 50


@dataclass(frozen=True)
class Origin:
    """Where a request came from, as recorded with each event."""

    ip: str = ""
    user_agent: str = ""


@dataclass(frozen=True)
class HistoryEntry:
    at: datetime
    tag: str
    description: str
    ip: str
    user_agent: str
    detail: str


def build(username: str, tag: Tag, origin: Origin, detail: str = "") -> Event:
    """An unsaved event, for callers that write it inside a transaction."""
    now = clock.now()
    return Event(
        username,
        f"{now.isoformat()}#{secrets.token_hex(4)}",
        tag=tag.value,
        ip=origin.ip,
        user_agent=origin.user_agent[:512],
        detail=detail,
        expires=now + KEEP_FOR,
    )


def record_event(username: str, tag: Tag, origin: Origin, detail: str = "") -> None:
    build(username, tag, origin, detail).save()


def history(username: str, limit: int = HISTORY_LENGTH) -> list[HistoryEntry]:
    return [
        HistoryEntry(
            at=datetime.fromisoformat(event.id.split("#")[0]),
            tag=event.tag,
            description=describe(event.tag),
            ip=event.ip,
            user_agent=event.user_agent,
            detail=event.detail,
        )
        for event in Event.query(username, scan_index_forward=False, limit=limit)
    ]
