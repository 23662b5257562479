"""Webhooks and their deliveries.

- Webhook (project subject, webhook id): a receiver an Owner registered on a project. Keyed by
  the project's subject (events.services.project_subject), so a project deleted and made again
  under its name has none of the old one's webhooks. The signing secret is kept sealed
  (core.crypto): a database reader cannot sign as the index.
- Delivery (webhook id, delivery key): one event sent to one webhook, with its attempts; the key
  starts with the event's time, so a webhook's deliveries read newest first. While a retry is
  waiting, `due` is set and the sparse index Due lists it by the time it is due.
"""
from __future__ import annotations

from typing import Any

from pynamodb.attributes import (
    ListAttribute,
    NumberAttribute,
    TTLAttribute,
    UnicodeAttribute,
    UTCDateTimeAttribute,
)
from pynamodb.indexes import AllProjection, GlobalSecondaryIndex
from pynamodb.models import Model

DUE = "due"


class Webhook(Model):
    class Meta:
        table_name = "webhooks"

    subject = UnicodeAttribute(hash_key=True)  # the project's subject
    id = UnicodeAttribute(range_key=True)
    url = UnicodeAttribute()
    events = ListAttribute(of=UnicodeAttribute)  # type: ignore[var-annotated]  # the event types it wants
    secret = UnicodeAttribute()  # sealed
    created_at = UTCDateTimeAttribute()
    created_by = UnicodeAttribute()
    disabled_at = UTCDateTimeAttribute(null=True)  # after a delivery failed every retry


class Due(GlobalSecondaryIndex[Any]):
    """Deliveries waiting for a retry, by the time it is due."""

    class Meta:
        index_name = "due"
        projection = AllProjection()

    due = UnicodeAttribute(hash_key=True)
    next_at = UnicodeAttribute(range_key=True)  # ISO time


class Delivery(Model):
    class Meta:
        table_name = "webhook-deliveries"

    webhook = UnicodeAttribute(hash_key=True)
    key = UnicodeAttribute(range_key=True)  # the event's id: one delivery per event and webhook
    id = UnicodeAttribute()  # X-Cheeseshop-Delivery: kept by every retry and redelivery
    subject = UnicodeAttribute()  # the webhook's project subject
    event_type = UnicodeAttribute()
    body = UnicodeAttribute()  # the event's document, as sent
    status = UnicodeAttribute()  # pending, delivered, failed
    attempts = ListAttribute(of=UnicodeAttribute, default=list)  # type: ignore[var-annotated]  # JSON each
    tries = NumberAttribute(default=0)  # attempts since it was queued or redelivered
    due = UnicodeAttribute(null=True)  # DUE while a retry waits
    next_at = UnicodeAttribute(null=True)
    expires = TTLAttribute()
    waiting = Due()


MODELS: tuple[type[Model], ...] = (Webhook, Delivery)
