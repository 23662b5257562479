"""Security history: one way to record an event (tags from chalicelib.events.tags), for a
user and, where there is one, for the project it touched."""
from __future__ import annotations

import secrets
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime, timedelta
from typing import NamedTuple

from pynamodb.transactions import TransactWrite

from chalicelib.core import clock
from chalicelib.core.db import transaction
from chalicelib.events.models import Event
from chalicelib.events.tags import Tag, describe, describe_detail

KEEP_FOR = timedelta(days=365 * 2)
HISTORY_LENGTH = 50


class Origin(NamedTuple):
    """Where a request came from, as recorded with each event."""

    ip: str = ""
    user_agent: str = ""


class HistoryEntry(NamedTuple):
    at: datetime
    tag: str
    description: str
    ip: str
    user_agent: str
    detail: str
    actor: str = ""
    via: str = ""  # the API token an upload came with


def project_subject(project: str, created_at: datetime | None) -> str:
    """The key of a project's history: a project deleted and made again starts a new one."""
    return f"project:{project}:{created_at.isoformat() if created_at else ''}"  # to the microsecond


def build(subject: str, tag: Tag, origin: Origin, detail: str = "", actor: str | None = None,
          via: str | None = None) -> Event:
    """An unsaved event of a user (or, with an actor, of a project), for callers that write
    it inside a transaction."""
    now = clock.now()
    return Event(
        subject,
        f"{now.isoformat()}#{secrets.token_hex(4)}",
        tag=tag.value,
        ip=origin.ip,
        user_agent=origin.user_agent[:512],
        detail=detail,
        actor=actor,
        via=via,
        expires=now + KEEP_FOR,
    )


def both(t: TransactWrite, username: str, project_key: str, tag: Tag, origin: Origin, detail: str = "",
         via: str | None = None) -> None:
    """Saves, in the transaction of the change, the same event in the acting user's history and
    in the project's."""
    t.save(build(username, tag, origin, detail, via=via))
    t.save(build(project_key, tag, origin, detail, username, via))


def record_event(username: str, tag: Tag, origin: Origin, detail: str = "") -> None:
    """An event that changes nothing else (a failure, a request)."""
    build(username, tag, origin, detail).save()


@contextmanager
def recorded(username: str, tag: Tag, origin: Origin, detail: str = "") -> Iterator[TransactWrite]:
    """A transaction for a change that is also the user's security event: both are written, or
    neither (TransactWriteError when a condition of the change failed)."""
    with transaction() as t:
        yield t
        t.save(build(username, tag, origin, detail))


def history(subject: str, limit: int = HISTORY_LENGTH) -> list[HistoryEntry]:
    return [
        HistoryEntry(
            at=datetime.fromisoformat(event.id.split("#")[0]),
            tag=event.tag,
            description=describe(event.tag),
            ip=event.ip,
            user_agent=event.user_agent,
            detail=describe_detail(event.tag, event.detail or ""),
            actor=event.actor or "",
            via=event.via or "",
        )
        for event in Event.query(subject, scan_index_forward=False, limit=limit)
    ]
