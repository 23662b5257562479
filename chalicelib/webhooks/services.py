"""A project's webhooks: registered and removed by its Owners (the caller has checked the
permission), each change a security event of the user's and the project's and a mail to every
Owner; what each webhook was sent, and a redelivery. Sending is chalicelib.webhooks.dispatch's,
never a request's."""
from __future__ import annotations

import json
import secrets
from collections.abc import Iterable
from datetime import datetime
from typing import TYPE_CHECKING, NamedTuple

from pynamodb.exceptions import UpdateError

from chalicelib.core import clock, crypto
from chalicelib.core.db import cancelled, get_or_none, transaction
from chalicelib.core.errors import NotFound, ValidationError
from chalicelib.core.origin import Origin
from chalicelib.core.translation import gettext
from chalicelib.events.services import record
from chalicelib.events.tags import Tag
from chalicelib.packaging import collaborators
from chalicelib.webhooks import delivery
from chalicelib.webhooks.models import DUE, Delivery, Webhook

if TYPE_CHECKING:
    from chalicelib.packaging.catalog import ProjectInfo

EVENT_TYPES = tuple(tag.value for tag in Tag if tag.value.startswith("project:"))  # what a project's history holds
MOST = 10  # webhooks per project
RECENT = 10  # deliveries shown per webhook
SECRET_PURPOSE = "webhook-secret"


class AttemptInfo(NamedTuple):
    at: datetime
    status: int | None
    error: str
    ms: int


class DeliveryInfo(NamedTuple):
    key: str
    id: str
    event_type: str
    status: str  # pending (a retry waits), delivered, failed
    attempts: list[AttemptInfo]
    next_at: datetime | None


class WebhookInfo(NamedTuple):
    id: str
    url: str
    events: list[str]
    created_at: datetime
    created_by: str
    disabled_at: datetime | None
    deliveries: list[DeliveryInfo]


def secret_of(hook: Webhook) -> str:
    return crypto.unseal(hook.secret, purpose=SECRET_PURPOSE, owner=hook.id)


def add(username: str, found: ProjectInfo, url: str, events: Iterable[str], origin: Origin) -> str:
    """Registers a webhook; returns its signing secret, which is shown once and kept sealed."""
    url, wanted = url.strip(), set(events)
    errors: dict[str, str] = {}
    if (problem := delivery.url_problem(url)) is not None:
        errors["url"] = gettext(problem)
    chosen = [kind for kind in EVENT_TYPES if kind in wanted]
    if not chosen:
        errors["events"] = gettext("Choose at least one event type.")
    if not errors and Webhook.count(found.history_key) >= MOST:
        errors["url"] = gettext("A project has at most %(count)d webhooks: remove one first.", count=MOST)
    if errors:
        raise ValidationError(errors)
    hook_id, secret = secrets.token_hex(8), "whsec_" + secrets.token_urlsafe(32)
    hook = Webhook(found.history_key, hook_id, url=url, events=chosen, created_at=clock.now(), created_by=username,
                   secret=crypto.seal(secret, purpose=SECRET_PURPOSE, owner=hook_id))
    with transaction() as t:
        t.save(hook, condition=Webhook.id.does_not_exist())
        record(t, Tag.WEBHOOK_ADD, origin, user=username, project=found.history_key, detail=url)
    collaborators.mail_owners(found, "webhook-changed", change="added", actor=username, url=url)
    return secret


def _hook(found: ProjectInfo, hook_id: str) -> Webhook:
    hook = get_or_none(Webhook, found.history_key, hook_id) if hook_id else None
    if hook is None:
        raise NotFound(gettext("That webhook is not registered for this project."))
    return hook


def remove(username: str, found: ProjectInfo, hook_id: str, origin: Origin) -> None:
    hook = _hook(found, hook_id)
    with transaction() as t:
        t.delete(hook)
        record(t, Tag.WEBHOOK_REMOVE, origin, user=username, project=found.history_key, detail=hook.url)
    collaborators.mail_owners(found, "webhook-changed", change="removed", actor=username, url=hook.url)


def redeliver(found: ProjectInfo, hook_id: str, key: str) -> None:
    """Sends a delivery again, soon, with its delivery id (and turns a disabled webhook back on:
    asking for it again says the receiver is mended)."""
    hook = _hook(found, hook_id)
    item = get_or_none(Delivery, hook.id, key) if key else None
    if item is None:
        raise NotFound(gettext("That delivery is not among this webhook's."))
    try:
        item.update(actions=[Delivery.tries.set(0), Delivery.status.set("pending"), Delivery.due.set(DUE),
                             Delivery.next_at.set(clock.now().isoformat())], condition=Delivery.key.exists())
    except UpdateError as exc:
        if not cancelled(exc):
            raise
        raise NotFound(gettext("That delivery is not among this webhook's.")) from exc
    if hook.disabled_at is not None:
        hook.update(actions=[Webhook.disabled_at.remove()])


def of_project(found: ProjectInfo) -> list[WebhookInfo]:
    return [WebhookInfo(hook.id, hook.url, [str(kind) for kind in hook.events], hook.created_at, hook.created_by,
                        hook.disabled_at,
                        [_delivery_info(d) for d in Delivery.query(hook.id, scan_index_forward=False, limit=RECENT)])
            for hook in sorted(Webhook.query(found.history_key), key=lambda h: h.created_at)]


def _delivery_info(item: Delivery) -> DeliveryInfo:
    attempts = [json.loads(str(a)) for a in item.attempts or ()]
    return DeliveryInfo(item.key, item.id, item.event_type, item.status,
                        [AttemptInfo(datetime.fromtimestamp(a["at"], clock.now().tzinfo), a.get("status"),
                                     a.get("error", ""), a.get("ms", 0)) for a in attempts],
                        datetime.fromisoformat(item.next_at) if item.next_at and item.due else None)
