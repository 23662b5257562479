"""Recovering an account whose second factor is lost.

A request never says whether the account exists. An administrator starts a recovery with the
evidence they checked; every verified address of the account is mailed a link that cancels it,
the primary one also the link that completes it, which works only once the wait
(CHEESESHOP_RECOVERY_WAIT_SECONDS) has passed. Completing it sets a new password and takes every
second factor, API token and session away; the user then enrolls a new factor. One recovery at
a time per account (a lock item written with the start). Every step is in the user's history
and the admin log."""
from __future__ import annotations

import secrets
from datetime import datetime, timedelta
from typing import NamedTuple

from pynamodb.exceptions import TransactWriteError

from chalicelib.accounts import login, mails, passwords, reset, sessions
from chalicelib.accounts.models import Email, User
from chalicelib.admin import log
from chalicelib.core import clock, ratelimit, signing
from chalicelib.core.config import get_settings
from chalicelib.core.db import get_or_none, transaction
from chalicelib.core.errors import Conflict, InvalidLink, NotFound, ValidationError
from chalicelib.core.mail import link
from chalicelib.core.origin import Origin
from chalicelib.core.translation import N_, gettext
from chalicelib.events.services import record
from chalicelib.events.tags import Tag
from chalicelib.mfa import policy, security_keys
from chalicelib.packaging import catalog, permissions
from chalicelib.packaging.collaborators import mail_owners
from chalicelib.recovery.models import CANCELLED, COMPLETED, LOCK, QUEUE, REQUESTED, STARTED, Recovery
from chalicelib.tokens import services as tokens

LOST = {"totp": N_("My authenticator app"), "webauthn": N_("My security keys or passkeys"),
        "codes": N_("My recovery codes"), "all": N_("All of them")}
LOGIN_MAX, DETAILS_MAX, EVIDENCE_MAX = 254, 2000, 500
USE_WITHIN = timedelta(days=14)  # after the wait, the completion link stays good this long
REQUEST_FLOOR = reset.REQUEST_FLOOR  # a request answers no sooner, as a reset request does
QUEUE_LENGTH = 100


class RecoveryInfo(NamedTuple):
    id: str
    created_at: datetime
    login: str
    username: str | None
    lost: str
    details: str
    ip: str
    status: str
    evidence: str
    started_by: str
    ready_at: datetime | None
    ended_at: datetime | None
    ended_by: str

    @property
    def lost_label(self) -> str:
        return gettext(LOST[self.lost]) if self.lost in LOST else self.lost


def _info(item: Recovery) -> RecoveryInfo:
    return RecoveryInfo(item.id, item.created_at, item.login, item.username, item.lost, item.details, item.ip,
                        item.status, item.evidence or "", item.started_by or "", item.ready_at, item.ended_at,
                        item.ended_by or "")


def request(login_given: str, lost: str, details: str, origin: Origin) -> None:
    """Queues a request for the administrators; answers the same, in the same time, whether or
    not an account matches (its user is told by mail when one does)."""
    login_given, details = login_given.strip(), details.strip()
    errors = {}
    if not login_given or len(login_given) > LOGIN_MAX:
        errors["login"] = gettext("Enter your username or email address.")
    if lost not in LOST:
        errors["lost"] = gettext("Choose what you lost.")
    if len(details) > DETAILS_MAX:
        errors["details"] = gettext("Write at most %(max)s characters.", max=DETAILS_MAX)
    if errors:
        raise ValidationError(errors)
    with clock.no_sooner_than(REQUEST_FLOOR):
        ratelimit.reserve((ratelimit.MAIL_PER_IP, origin.ip))
        user = login.find_user(login_given)
        Recovery(secrets.token_urlsafe(16), queue=QUEUE, created_at=clock.now(), login=login_given,
                 username=user.username if user else None, lost=lost, details=details, ip=origin.ip,
                 user_agent=origin.user_agent[:512]).save()
        if user is not None:
            record(None, Tag.RECOVERY_REQUEST, origin, user=user.username)
            mails.to_user(user, "recovery-requested", ip=origin.ip)


def queue(limit: int = QUEUE_LENGTH) -> list[RecoveryInfo]:
    """The newest requests first, whatever became of them."""
    return [_info(item) for item in Recovery.by_time.query(QUEUE, scan_index_forward=False, limit=limit)]


def _request(recovery_id: str) -> Recovery:
    item = get_or_none(Recovery, recovery_id) if recovery_id and not recovery_id.startswith(LOCK) else None
    if item is None or item.queue != QUEUE:
        raise NotFound(gettext("No such recovery request."))
    return item


def start(administrator: str, recovery_id: str, evidence: str, origin: Origin) -> None:
    item, evidence = _request(recovery_id), evidence.strip()
    if not evidence or len(evidence) > EVIDENCE_MAX:
        raise ValidationError({"evidence": gettext(
            "Record the evidence you checked (a ticket reference), in at most %(max)s characters.", max=EVIDENCE_MAX)})
    user = get_or_none(User, item.username) if item.username else None
    if user is None:
        raise ValidationError({"evidence": gettext("No account matches this request.")})
    if user.username == administrator:
        raise ValidationError({"evidence": gettext("Another administrator must recover your own account.")})
    if user.suspended_at is not None:
        raise ValidationError({"evidence": gettext("This account is suspended: restore it first.")})
    now = clock.now()
    ready = now + timedelta(seconds=get_settings().recovery_wait_seconds)
    try:
        with transaction() as t:
            t.update(item, actions=[Recovery.status.set(STARTED), Recovery.evidence.set(evidence),
                                    Recovery.started_by.set(administrator), Recovery.started_at.set(now),
                                    Recovery.ready_at.set(ready)], condition=Recovery.status == REQUESTED)
            t.save(Recovery(LOCK + user.username, request=item.id, created_at=now),
                   condition=Recovery.id.does_not_exist())
            record(t, Tag.RECOVERY_START, origin, user=user.username, actor=administrator)
            t.save(log.entry(log.Action.RECOVERY_START, administrator, origin, target=user.username, reason=evidence))
    except TransactWriteError as exc:
        raise Conflict(gettext("A recovery of this account is already open, or this request changed meanwhile.")) \
            from exc
    cancel = link("/account/recovery/cancel/", token=signing.sign(signing.RECOVERY_CANCEL, {"id": item.id}))
    complete = link("/account/recovery/complete/", token=signing.sign(signing.RECOVERY_COMPLETE, {"id": item.id}))
    for address in _verified(user):
        mails.to_user(user, "recovery-started", at=address, cancel=cancel, ready=ready,
                      complete=complete if address == user.primary_email else None)


def _verified(user: User) -> list[str]:
    return [e.email for e in Email.query(user.username) if e.verified]


def cancel_by_link(token: str, origin: Origin) -> None:
    """"This was not me": anyone holding a mail of the recovery stops it."""
    item = _request(str(signing.unsign(signing.RECOVERY_CANCEL, token).get("id", "")))
    _cancel(item, item.username or "", origin)


def cancel_by_administrator(administrator: str, recovery_id: str, origin: Origin) -> None:
    _cancel(_request(recovery_id), administrator, origin)


def _cancel(item: Recovery, by: str, origin: Origin) -> None:
    try:
        with transaction() as t:
            t.update(item, actions=[Recovery.status.set(CANCELLED), Recovery.ended_at.set(clock.now()),
                                    Recovery.ended_by.set(by)], condition=Recovery.status == STARTED)
            t.delete(Recovery(LOCK + (item.username or "")), condition=Recovery.request == item.id)
            record(t, Tag.RECOVERY_CANCEL, origin, user=item.username, actor=by)
            t.save(log.entry(log.Action.RECOVERY_CANCEL, by, origin, target=item.username or ""))
    except TransactWriteError as exc:
        raise InvalidLink(gettext("This recovery is not open: it was cancelled or completed already.")) from exc
    user = User.get(item.username)
    mails.to_user(user, "recovery-cancelled", by=by, ip=origin.ip)


class Completion(NamedTuple):
    """What the completion link's page shows: whose recovery, and from when the link works."""
    id: str
    display_username: str
    ready_at: datetime
    ready: bool


def _open(token: str) -> tuple[Recovery, User]:
    """The open recovery a completion link is for, and its user; InvalidLink once it is over or too old."""
    item = _request(str(signing.unsign(signing.RECOVERY_COMPLETE, token).get("id", "")))
    if item.status != STARTED or item.ready_at is None or clock.now() > item.ready_at + USE_WITHIN:
        raise InvalidLink()
    return item, User.get(item.username)


def completion(token: str) -> Completion:
    item, user = _open(token)
    return Completion(item.id, user.display_username, item.ready_at, clock.now() >= item.ready_at)


def complete(token: str, new: str, confirm: str, origin: Origin) -> login.Started:
    """A new password, every second factor, API token and session gone; the user is logged in
    (with no factor: enrolling one is all they can do that matters). Returns their new session."""
    item, user = _open(token)
    if clock.now() < item.ready_at:
        raise ValidationError({"new_password": gettext(
            "This link works from %(when)s (UTC).", when=item.ready_at.strftime("%Y-%m-%d %H:%M"))})
    if problem := passwords.problems(new, confirm, user_inputs=[user.username, user.full_name, user.primary_email]):
        raise ValidationError({"new_password": problem})
    now = clock.now()
    try:
        with transaction() as t:
            t.update(user, actions=[User.password_hash.set(passwords.hash_password(new)),
                                    User.password_changed_at.set(now), *policy.clearing_actions()],
                     condition=User.password_changed_at == user.password_changed_at)
            t.update(item, actions=[Recovery.status.set(COMPLETED), Recovery.ended_at.set(now),
                                    Recovery.ended_by.set(user.username)], condition=Recovery.status == STARTED)
            t.delete(Recovery(LOCK + user.username), condition=Recovery.request == item.id)
            record(t, Tag.RECOVERY_COMPLETE, origin, user=user.username)
            t.save(log.entry(log.Action.RECOVERY_COMPLETE, item.started_by or "", origin, target=user.username))
    except TransactWriteError as exc:
        raise InvalidLink() from exc
    security_keys.remove_all(user.username)
    tokens.revoke_all(user.username)
    sessions.end_all(user.username)
    for address in _verified(user):
        mails.to_user(user, "recovery-completed", at=address, ip=origin.ip)
    for role in permissions.projects_of(user.username):
        mail_owners(catalog.project(role.project), "collaborator-recovered", subject_user=user.display_username)
    return login.finish_login(User.get(user.username), origin, previous_session=None)
