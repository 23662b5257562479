"""Pending trusted publishers: a workflow registered by a user with two-factor for a project
not made yet, which the workflow's first token creates with that user as its Owner.

A workflow's claims (platform, repository, workflow, environment) may be held by one pending
publisher at a time, across all accounts: otherwise anyone could register the victim's
repository first and be made Owner of what the victim's CI creates. Each account holds at most
SLOTS pending publishers at once, and registering them counts against a limit. Both are items in
the oidc-state table written in the registration's own transaction, so concurrent requests
cannot pass them.
"""
from __future__ import annotations

import hashlib
from datetime import datetime

from pynamodb.exceptions import TransactWriteError
from pynamodb.expressions.condition import Condition
from pynamodb.transactions import TransactWrite

from chalicelib.accounts import mails, twofactor
from chalicelib.accounts.models import User
from chalicelib.core import clock, ratelimit
from chalicelib.core.db import Write, deleting, get_many, get_or_none, transaction
from chalicelib.core.errors import NotFound, ValidationError
from chalicelib.core.origin import Origin
from chalicelib.core.translation import gettext
from chalicelib.events.services import record
from chalicelib.events.tags import Tag
from chalicelib.oidc import publishers
from chalicelib.oidc.models import OidcState, Publisher
from chalicelib.oidc.publishers import FIELDS, PENDING, PublisherInfo, describe
from chalicelib.organizations.services import new_project_refusal

SLOTS = 3  # pending publishers one account may hold at once


def of_user(username: str) -> list[PublisherInfo]:
    now = clock.now()
    return sorted((publishers.info(p) for p in Publisher.by_project.query(PENDING + username)
                   if p.expires is None or p.expires > now), key=lambda p: p.created_at)


def claims_key(item: Publisher) -> str:
    """The claims a pending publisher holds, the same for every account that names them."""
    claims = "\n".join([item.kind, item.repository, item.workflow.lower(), (item.environment or "").lower()])
    return "claims:" + hashlib.sha256(claims.encode()).hexdigest()


def _slot_key(username: str, number: int) -> str:
    return f"slot:{username}:{number}"


def _free_slot(username: str, now: datetime) -> str | None:
    slots = get_many([(OidcState, _slot_key(username, n), None) for n in range(SLOTS)])
    for number, slot in enumerate(slots):
        if slot is None or slot.expires is None or slot.expires <= now:
            return _slot_key(username, number)
    return None


def _free_or_lapsed(now: datetime) -> Condition:
    return OidcState.key.does_not_exist() | (OidcState.expires <= now)


def add(username: str, project_name: str, kind: str, form: dict[str, str], origin: Origin) -> None:
    """Registers a publisher that will create the project `project_name` with its first token,
    with this user as its Owner; the same checks as a first upload's, and two-factor."""
    publishers.check_kind(kind)
    twofactor.require_two_factor(username)
    project_name = project_name.strip()
    errors = publishers.problems(kind, form)
    if refusal := new_project_refusal(project_name, username):
        errors["project_name"] = refusal
    if errors:
        raise ValidationError(errors)
    item = publishers.build(kind, form, PENDING + username, username, pending_name=project_name)
    now = clock.now()
    if (slot := _free_slot(username, now)) is None:
        raise ValidationError({"project_name": gettext(
            "You have %(most)s pending publishers already: remove one before adding another.", most=SLOTS)})
    claims = OidcState(claims_key(item), expires=item.expires, holder=item.id)
    try:
        with transaction() as t:
            t.save(item, condition=Publisher.id.does_not_exist())
            t.save(claims, condition=_free_or_lapsed(now))
            t.save(OidcState(slot, expires=item.expires, holder=item.id), condition=_free_or_lapsed(now))
            ratelimit.within(t, ratelimit.PENDING_PUBLISHERS_PER_USER, username)
            record(t, Tag.PENDING_PUBLISHER_ADD, origin, user=username, detail=f"{project_name}: {describe(item)}")
    except TransactWriteError as exc:
        raise _refusal(exc, username, item, origin) from exc
    _tell(username, "added", item, origin)


def _refusal(exc: TransactWriteError, username: str, item: Publisher, origin: Origin) -> Exception:
    """Why a registration's transaction failed, by the first of its conditions that did."""
    reasons = [r.code if r is not None else None for r in exc.cancellation_reasons or []]
    failed = reasons.index("ConditionalCheckFailed") if "ConditionalCheckFailed" in reasons else -1
    field = FIELDS[item.kind][1]
    if failed == 0:
        return ValidationError({field: gettext("This publisher is already registered.")})
    if failed == 1:  # another account holds these claims: the attempt is in the user's history
        record(None, Tag.PENDING_PUBLISHER_REFUSED, origin, user=username,
               detail=f"{item.pending_name}: {describe(item)}")
        return ValidationError({field: gettext(
            "Another pending publisher already names this repository, workflow and environment. If it is "
            "not yours, ask the index's administrators; if the project exists, ask its owners to add you.")})
    if failed == 2:
        return ValidationError({"project_name": gettext(
            "You have %(most)s pending publishers already: remove one before adding another.", most=SLOTS)})
    if (limited := ratelimit.exceeded(ratelimit.PENDING_PUBLISHERS_PER_USER, username)) is not None:
        return limited
    return exc


def _release(key: str, holder: str) -> Write:
    def write(t: TransactWrite) -> None:
        t.delete(OidcState(key), condition=OidcState.holder == holder)
    return write


def held_items(item: Publisher) -> list[Write]:
    """The deletes of the claims and slot items this pending publisher really holds (a delete
    whose condition fails would fail its transaction, so only those read as held are named)."""
    owner = item.project.removeprefix(PENDING)
    keys = [claims_key(item), *(_slot_key(owner, n) for n in range(SLOTS))]
    found = get_many([(OidcState, key, None) for key in keys])
    return [_release(key, item.id) for key, state in zip(keys, found, strict=True)
            if state is not None and state.holder == item.id]


def removal_writes(project: str) -> list[Write]:
    """Removing a deleted project's publishers (for its deletion's transactions): its own, and
    every pending one that would make a project of its name, with the claims and slots they hold."""
    own: list[Write] = [deleting(p) for p in Publisher.by_project.query(project)]
    return own + [w for p in Publisher.by_pending_project.query(project) for w in [deleting(p), *held_items(p)]]


def remove(username: str, publisher_id: str, origin: Origin) -> None:
    item = get_or_none(Publisher, publisher_id) if publisher_id else None
    if item is None or item.project != PENDING + username:
        raise NotFound(gettext("That pending publisher is not on your account."))
    with transaction() as t:
        for write in [deleting(item), *held_items(item)]:
            write(t)
        record(t, Tag.PENDING_PUBLISHER_REMOVE, origin, user=username, detail=f"{item.pending_name}: {describe(item)}")
    _tell(username, "removed", item, origin)


def _tell(username: str, change: str, item: Publisher, origin: Origin) -> None:
    user = User.get(username)
    mails.to_user(user, "pending-publisher-changed", change=change, publisher=describe(item), project=item.pending_name,
                  ip=origin.ip)
