"""The security history's table: a user's events and a project's, newest first (the sort
key starts with the time). A project's events are keyed by chalicelib.events.services.project_subject.

It is also the outbox of the event stream: one item of each event (the first of the subjects it
is recorded for) carries `outbox` until the dispatcher (chalicelib.webhooks.dispatch) has put it
on the stream and queued its webhook deliveries; the sparse index Outbox lists those items."""
from __future__ import annotations

from typing import Any

from pynamodb.attributes import BooleanAttribute, ListAttribute, TTLAttribute, UnicodeAttribute
from pynamodb.indexes import AllProjection, GlobalSecondaryIndex
from pynamodb.models import Model

from chalicelib.core.journal import JournalEntry

PENDING = "pending"


class Outbox(GlobalSecondaryIndex[Any]):
    """The events not yet emitted, oldest first (sparse: only items with `outbox`)."""

    class Meta:
        index_name = "outbox"
        projection = AllProjection()

    outbox = UnicodeAttribute(hash_key=True)
    id = UnicodeAttribute(range_key=True)


class Event(JournalEntry, Model):
    """An entry of a security history (core.journal: its time, ip and user agent), and these."""

    class Meta:
        table_name = "events"

    username = UnicodeAttribute(hash_key=True)  # the user, or a project's subject
    tag = UnicodeAttribute()
    detail = UnicodeAttribute(default="")
    roles = ListAttribute(of=UnicodeAttribute, null=True)  # type: ignore[var-annotated]  # a role event's: [role] or [before, after]
    actor = UnicodeAttribute(null=True)  # who did it, on a project's events
    via = UnicodeAttribute(null=True)  # the name of the API token an upload came with
    expires = TTLAttribute(null=True)
    outbox = UnicodeAttribute(null=True)  # PENDING until emitted
    # the other subjects of the same event, on the item that carries `outbox`: JSON {"user",
    # "project", "organization"}, each a subject or null
    subjects = UnicodeAttribute(null=True)
    copy = BooleanAttribute(null=True)  # True on the event's other items: exported from its first
    pending = Outbox()


MODELS: tuple[type[Model], ...] = (Event,)
