"""Security history: one way to record an event (record; tags from chalicelib.events.tags), for
a user and, where there is one, for the project it touched."""
from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import datetime, timedelta
from typing import NamedTuple

from pynamodb.transactions import TransactWrite

from chalicelib.core import clock, journal, telemetry
from chalicelib.core.origin import Origin
from chalicelib.events.models import PENDING, Event
from chalicelib.events.tags import METRICS, Tag, describe, describe_detail

KEEP_FOR = timedelta(days=365 * 2)
HISTORY_LENGTH = 50


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


def organization_subject(name: str) -> str:
    """The key of an organization's history."""
    return f"organization:{name}"


def record(t: TransactWrite | None, tag: Tag, origin: Origin, *, user: str | None = None, project: str | None = None,
           actor: str | None = None, detail: str = "", roles: Sequence[str] = (), via: str | None = None,
           organization: str | None = None) -> None:
    """The one way to record a security event: in the user's history, in a project's (its
    project_subject) or an organization's (organization_subject; either names who acted: `actor`,
    else the user), or in several. Inside the
    transaction `t` of the change it reports, so both are written or neither; with None, on its
    own (a failure, a refusal, a request: nothing else changes). A role event keeps the roles it
    names as data (`roles`: the role, or the role before and after), shown in the reader's language."""
    events = ([_event(user, tag, origin, detail, roles, actor, via)] if user else []) + \
        [_event(subject, tag, origin, detail, roles, actor or user, via) for subject in (project, organization)
         if subject]
    if (counted := METRICS.get(tag)) is not None:
        telemetry.metric(counted)
    if events:  # the stream and webhooks take it once, from its first item
        events[0].outbox = PENDING
        events[0].subjects = json.dumps({"user": user, "project": project, "organization": organization})
        for other in events[1:]:
            other.copy = True
    for event in events:
        if t is None:
            event.save()
        else:
            t.save(event)


def _event(subject: str, tag: Tag, origin: Origin, detail: str, roles: Sequence[str], actor: str | None,
           via: str | None) -> Event:
    now = clock.now()
    return Event(subject, tag=tag.value, detail=detail, roles=list(roles) or None, actor=actor, via=via,
                 expires=now + KEEP_FOR, **journal.entry(now, origin))


def history(subject: str, limit: int = HISTORY_LENGTH) -> list[HistoryEntry]:
    return [
        HistoryEntry(
            at=event.at,
            tag=event.tag,
            description=describe(event.tag),
            ip=event.ip,
            user_agent=event.user_agent,
            detail=describe_detail(event.tag, event.detail or "", [str(role) for role in event.roles or ()]),
            actor=event.actor or "",
            via=event.via or "",
        )
        for event in Event.query(subject, scan_index_forward=False, limit=limit)
    ]
