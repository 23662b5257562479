"""The security history's table: a user's events (and later a project's), newest first
(the sort key starts with the time)."""
from __future__ import annotations

from pynamodb.attributes import TTLAttribute, UnicodeAttribute
from pynamodb.models import Model


class Event(Model):
    class Meta:
        table_name = "events"

    username = UnicodeAttribute(hash_key=True)
    id = UnicodeAttribute(range_key=True)  # ISO time + random suffix: sorts by time
    tag = UnicodeAttribute()
    ip = UnicodeAttribute(default="")
    user_agent = UnicodeAttribute(default="")
    detail = UnicodeAttribute(default="")
    expires = TTLAttribute(null=True)


MODELS: tuple[type[Model], ...] = (Event,)
