"""The event history as administrators export it: every event's document (events.documents),
one JSON line each, oldest first, newest last; optionally only those since a time."""
from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import UTC, datetime

from chalicelib.events.documents import document
from chalicelib.events.models import Event

LEGACY = ("project:", "organization:")  # the subjects of events recorded before their documents


def lines(since: datetime | None = None) -> Iterator[str]:
    """Each event once: from the item that carries its other subjects; an event recorded before
    items carried them, from each of its items."""
    found = []
    condition = Event.id >= since.isoformat() if since is not None else None
    for item in Event.scan(condition):
        if item.copy:
            continue
        if item.subjects is None:
            item.subjects = json.dumps({"user": None if item.username.startswith(LEGACY) else item.username,
                                        "project": item.username if item.username.startswith("project:") else None,
                                        "organization": item.username if item.username.startswith("organization:")
                                        else None})
        found.append(item)
    for item in sorted(found, key=lambda event: event.id):
        yield json.dumps(document(item), ensure_ascii=False) + "\n"


def since(value: str) -> datetime | None:
    """An export's ?since=: an ISO date or time (UTC unless it says), or nothing; ValueError otherwise."""
    when = datetime.fromisoformat(value) if value else None
    return when.replace(tzinfo=UTC) if when is not None and when.tzinfo is None else when
