"""Administration's tables.

- admin-log: every administrator's action, newest first (one partition: administrators are few).
- prohibited-names: the names nobody may register, for the list; each is enforced on the
  project's name guard (chalicelib.packaging.models.Project.prohibited).
"""
from __future__ import annotations

from pynamodb.attributes import UnicodeAttribute, UTCDateTimeAttribute
from pynamodb.models import Model

from chalicelib.core.journal import JournalEntry


class AdminAction(JournalEntry, Model):
    """An entry of the administrators' log (core.journal: its time, ip and user agent), and these."""

    class Meta:
        table_name = "admin-log"

    log = UnicodeAttribute(hash_key=True)  # one constant value
    action = UnicodeAttribute()  # a chalicelib.admin.log.Action
    administrator = UnicodeAttribute()
    target = UnicodeAttribute(default="")
    reason = UnicodeAttribute(default="")


class ProhibitedName(Model):
    class Meta:
        table_name = "prohibited-names"

    listed = UnicodeAttribute(hash_key=True)  # one constant value: the list is one query, no scan
    name = UnicodeAttribute(range_key=True)  # ultra-normalized: every spelling is the same key
    display_name = UnicodeAttribute()
    reason = UnicodeAttribute(default="")
    prohibited_by = UnicodeAttribute()
    created_at = UTCDateTimeAttribute()


MODELS: tuple[type[Model], ...] = (AdminAction, ProhibitedName)
