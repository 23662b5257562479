"""The dispatcher: what turns recorded events into the event stream and webhook deliveries,
apart from every request (a Lambda that AWS starts each minute and that keeps polling for most
of it; `make run` runs the same loop beside `chalice local`).

drain() takes the events waiting in the outbox (events.models.Outbox), oldest first, puts them on
the stream, queues one delivery per event for each webhook of its project that wants its type
(one per event and webhook, whoever drains: the delivery's key is the event's id), and only then
clears them from the outbox: an event is emitted at least once, and delivered once per webhook.
Each new delivery is tried at once, up to PARALLEL at a time, so a slow receiver holds up no
other; retry_due() tries again those whose wait is over, keeping their delivery id, and turns
off a webhook whose delivery failed every retry."""
from __future__ import annotations

import json
import logging
import time
import uuid
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta
from typing import Any

from pynamodb.exceptions import PutError, UpdateError
from pynamodb.expressions.update import Action

from chalicelib.core import clock
from chalicelib.core.config import get_settings
from chalicelib.core.db import cancelled, get_or_none
from chalicelib.core.origin import Origin
from chalicelib.events import stream
from chalicelib.events.documents import document, encoded
from chalicelib.events.models import PENDING, Event
from chalicelib.events.services import record
from chalicelib.events.tags import Tag
from chalicelib.webhooks import delivery
from chalicelib.webhooks.models import DUE, Delivery, Webhook

log = logging.getLogger(__name__)
BATCH = 100
KEEP = timedelta(days=30)  # a delivery's record, shown on the webhook page
KEEP_ATTEMPTS = 10
PARALLEL = 8  # deliveries tried at once (each waits at most delivery.TIMEOUT for its receiver)
IDS = uuid.UUID("5b0a9d1e-4c1f-4e8e-9a53-2f5d1c0e7a11")  # the namespace of delivery ids


def drain(limit: int = BATCH) -> int:
    """Emits the events waiting in the outbox; how many it took."""
    waiting = list(Event.pending.query(PENDING, limit=limit))
    if not waiting:
        return 0
    docs = [document(item) for item in waiting]
    stream.put(docs)
    hooks: dict[str, list[Webhook]] = {}
    queued: list[tuple[Webhook, Delivery]] = []
    for item, doc in zip(waiting, docs, strict=True):
        project = json.loads(item.subjects or "{}").get("project")
        if project:
            if project not in hooks:
                hooks[project] = list(Webhook.query(project))
            for hook in hooks[project]:
                if hook.disabled_at is None and doc["type"] in hook.events and item.at >= hook.created_at:
                    if (queued_item := _queue(hook, doc)) is not None:
                        queued.append((hook, queued_item))
        try:
            item.update(actions=[Event.outbox.remove()], condition=Event.outbox.exists())
        except UpdateError as exc:  # another dispatcher cleared it
            if not cancelled(exc):
                raise
    _attempt_all(queued)
    return len(waiting)


def _attempt_all(pairs: list[tuple[Webhook, Delivery]]) -> None:
    if not pairs:
        return
    with ThreadPoolExecutor(min(PARALLEL, len(pairs))) as pool:
        list(pool.map(lambda pair: _attempt_logged(*pair), pairs))


def _attempt_logged(hook: Webhook, item: Delivery) -> None:
    """One failing delivery must not hold up the others: it stays due, and is tried again."""
    try:
        attempt(hook, item)
    except Exception:
        log.exception("delivery %s of webhook %s failed before it was recorded", item.id, hook.id)


def _queue(hook: Webhook, doc: dict[str, object]) -> Delivery | None:
    """The delivery of this event to this webhook, unless one exists already."""
    key = str(doc["id"])
    item = Delivery(hook.id, key, id=str(uuid.uuid5(IDS, f"{hook.id}/{key}")), subject=hook.subject,
                    event_type=str(doc["type"]), body=encoded(doc).decode(), status="pending", attempts=[], tries=0,
                    due=DUE, next_at=clock.now().isoformat(),  # due at once: retry_due sends it if drain() cannot
                    expires=clock.now() + KEEP)
    try:
        item.save(condition=Delivery.key.does_not_exist())
    except PutError as exc:
        if not cancelled(exc):
            raise
        return None
    return item


def retry_due(limit: int = BATCH) -> int:
    """Tries again the deliveries whose wait is over; how many."""
    due = list(Delivery.waiting.query(DUE, Delivery.next_at <= clock.now().isoformat(), limit=limit))
    tried: list[tuple[Webhook, Delivery]] = []
    for item in due:
        hook = get_or_none(Webhook, item.subject, item.webhook)
        if hook is None:  # removed meanwhile: nothing to send to
            item.update(actions=[Delivery.status.set("failed"), Delivery.due.remove(), Delivery.next_at.remove()])
            continue
        tried.append((hook, item))
    _attempt_all(tried)
    return len(due)


def attempt(hook: Webhook, item: Delivery) -> None:
    """One attempt of a delivery, recorded on it; what follows a failure is scheduled."""
    from chalicelib.webhooks.services import secret_of

    result = delivery.send(hook.url, secret_of(hook), item.event_type, item.id, item.body.encode())
    waits = get_settings().webhook_retry_seconds
    tries = int(item.tries) + 1
    attempts: Any = [*(item.attempts or []), json.dumps(result._asdict())][-KEEP_ATTEMPTS:]
    actions: list[Action] = [Delivery.tries.set(tries), Delivery.attempts.set(attempts)]
    exhausted = False
    if result.ok:
        actions += [Delivery.status.set("delivered"), Delivery.due.remove(), Delivery.next_at.remove()]
    elif tries <= len(waits):
        next_at = clock.now() + timedelta(seconds=waits[tries - 1])
        actions += [Delivery.status.set("pending"), Delivery.due.set(DUE), Delivery.next_at.set(next_at.isoformat())]
    else:
        actions += [Delivery.status.set("failed"), Delivery.due.remove(), Delivery.next_at.remove()]
        exhausted = True
    try:  # a concurrent attempt of the same try wins; this one's outcome is dropped
        item.update(actions=actions, condition=Delivery.tries == int(item.tries))
    except UpdateError as exc:
        if not cancelled(exc):
            raise
        return
    if exhausted:
        _turn_off(hook)


def _turn_off(hook: Webhook) -> None:
    """A webhook whose delivery failed every retry stops receiving; its Owners are told."""
    from chalicelib.packaging import catalog, collaborators

    try:
        hook.update(actions=[Webhook.disabled_at.set(clock.now())], condition=Webhook.disabled_at.does_not_exist())
    except UpdateError as exc:
        if not cancelled(exc):
            raise
        return
    record(None, Tag.WEBHOOK_DISABLE, Origin(), project=hook.subject, actor="cheeseshop", detail=hook.url)
    name = hook.subject.split(":")[1]
    try:
        found = catalog.project(name)
    except Exception:  # noqa: BLE001 - a project deleted meanwhile has nobody to tell
        return
    if found.history_key == hook.subject:
        collaborators.mail_owners(found, "webhook-changed", change="disabled", actor="cheeseshop", url=hook.url)


def run(seconds: float, pause: float = 1.0) -> None:
    """Drains and retries until `seconds` have passed, pausing when there is nothing to do."""
    until = time.monotonic() + seconds
    while time.monotonic() < until:
        try:
            busy = drain() + retry_due()
        except Exception:  # a store that fails now is tried again at the next pass
            log.exception("dispatching events failed")
            busy = 0
        if not busy:
            time.sleep(pause)
