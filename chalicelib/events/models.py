"""The security history's table: a user's events and a project's, newest first (the sort
key starts with the time). A project's events are keyed by chalicelib.events.services.project_subject."""
from __future__ import annotations

from pynamodb.attributes import ListAttribute, TTLAttribute, UnicodeAttribute
from pynamodb.models import Model

from chalicelib.core.journal import JournalEntry


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


MODELS: tuple[type[Model], ...] = (Event,)
