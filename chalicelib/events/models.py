"""The security history's table: a user's events and a project's, newest first (the sort
key starts with the time). A project's events are keyed by chalicelib.events.services.project_subject."""
from __future__ import annotations

from pynamodb.attributes import TTLAttribute, UnicodeAttribute
from pynamodb.models import Model


class Event(Model):
    class Meta:
        table_name = "events"

    username = UnicodeAttribute(hash_key=True)  # the user, or a project's subject
    id = UnicodeAttribute(range_key=True)  # ISO time + random suffix: sorts by time
    tag = UnicodeAttribute()
    ip = UnicodeAttribute(default="")
    user_agent = UnicodeAttribute(default="")
    detail = UnicodeAttribute(default="")
    actor = UnicodeAttribute(null=True)  # who did it, on a project's events
    via = UnicodeAttribute(null=True)  # the name of the API token an upload came with
    expires = TTLAttribute(null=True)


MODELS: tuple[type[Model], ...] = (Event,)
