"""The recoveries table: every request for a recovery (the administrators' queue, newest first
through the GSI by_time), and one lock item per user with an open recovery ("open:<user>"),
written with its start, so a second cannot start while one is open."""
from __future__ import annotations

from pynamodb.attributes import UnicodeAttribute, UTCDateTimeAttribute
from pynamodb.indexes import AllProjection, GlobalSecondaryIndex
from pynamodb.models import Model

REQUESTED, STARTED, CANCELLED, COMPLETED = "requested", "started", "cancelled", "completed"
QUEUE = "recoveries"  # the one value of `queue`: every request, in one partition of the index
LOCK = "open:"


class RecoveriesByTime(GlobalSecondaryIndex["Recovery"]):
    class Meta:
        index_name = "by_time"
        projection = AllProjection()

    queue = UnicodeAttribute(hash_key=True)
    created_at = UTCDateTimeAttribute(range_key=True)


class Recovery(Model):
    class Meta:
        table_name = "recoveries"

    id = UnicodeAttribute(hash_key=True)  # random; or LOCK + username for a lock
    queue = UnicodeAttribute(null=True)  # QUEUE on requests, absent on locks
    created_at = UTCDateTimeAttribute(null=True)
    login = UnicodeAttribute(default="")  # as the requester typed it
    username = UnicodeAttribute(null=True)  # the account it names, if any (never shown to the requester)
    lost = UnicodeAttribute(default="")  # recovery.services.LOST
    details = UnicodeAttribute(default="")
    ip = UnicodeAttribute(default="")
    user_agent = UnicodeAttribute(default="")
    status = UnicodeAttribute(default=REQUESTED)
    evidence = UnicodeAttribute(null=True)  # what the administrator checked (a ticket reference)
    started_by = UnicodeAttribute(null=True)
    started_at = UTCDateTimeAttribute(null=True)
    ready_at = UTCDateTimeAttribute(null=True)  # from then on the user's link works
    ended_at = UTCDateTimeAttribute(null=True)
    ended_by = UnicodeAttribute(null=True)  # who cancelled or completed it
    request = UnicodeAttribute(null=True)  # on a lock: the recovery holding it
    by_time = RecoveriesByTime()


MODELS: tuple[type[Model], ...] = (Recovery,)
