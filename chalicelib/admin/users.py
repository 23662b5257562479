"""What an administrator does to users: find them, suspend them (no login, no tokens, no
session, and their addresses cannot make a new account) and restore them; and granting the
administrator flag itself, which only a command with the deployment's credentials does."""
from __future__ import annotations

from datetime import datetime
from typing import NamedTuple

from pynamodb.exceptions import TransactWriteError

from chalicelib.accounts import mails, sessions
from chalicelib.accounts.models import Email, EmailOwner, User
from chalicelib.admin import log
from chalicelib.core import clock
from chalicelib.core.db import get_or_none, transaction
from chalicelib.core.errors import Conflict, NotFound, ValidationError
from chalicelib.core.origin import Origin
from chalicelib.core.translation import gettext
from chalicelib.events.services import HistoryEntry, history, record
from chalicelib.events.tags import Tag
from chalicelib.packaging import collaborators, permissions

REASON_MAX = 500


class UserSummary(NamedTuple):
    username: str
    display_username: str
    email: str
    suspended: bool
    administrator: bool


class UserDetail(NamedTuple):
    summary: UserSummary
    full_name: str
    created_at: datetime
    last_login_at: datetime | None
    suspended_at: datetime | None
    suspension_reason: str
    addresses: list[str]
    projects: list[permissions.ProjectRole]
    history: list[HistoryEntry]


def _summary(user: User) -> UserSummary:
    return UserSummary(user.username, user.display_username, user.primary_email, user.suspended_at is not None,
                       bool(user.administrator))


def find(query: str) -> UserSummary | None:
    """A user by username or by verified address, exactly (no scan of every user)."""
    query = query.strip().lower()[:254]
    if not query:
        return None
    owner = get_or_none(EmailOwner, query) if "@" in query else None
    user = get_or_none(User, owner.username if owner else query)
    return _summary(user) if user is not None else None


def detail(username: str) -> UserDetail:
    user = get_or_none(User, username.strip().lower())
    if user is None:
        raise NotFound(gettext("No user named '%(name)s'.", name=username))
    return UserDetail(_summary(user), user.full_name, user.created_at, user.last_login_at, user.suspended_at,
                      user.suspension_reason or "", [e.address for e in Email.query(user.username) if e.verified],
                      permissions.projects_of(user.username), history(user.username))


def suspend(administrator: str, username: str, reason: str, origin: Origin) -> None:
    """Every session ends; logins, the two-factor step and API tokens are refused from now on;
    the account's verified addresses stay taken, so they cannot make a new account."""
    user = _target(administrator, username)
    reason = reason.strip()
    if not reason or len(reason) > REASON_MAX:
        raise ValidationError({"reason": gettext("Give a reason of at most %(max)s characters.", max=REASON_MAX)})
    try:
        with transaction() as t:
            t.update(user, actions=[User.suspended_at.set(clock.now()), User.suspension_reason.set(reason)],
                     condition=User.suspended_at.does_not_exist())
            record(t, Tag.ACCOUNT_SUSPEND, origin, user=user.username, actor=administrator, detail=reason)
            t.save(log.entry(log.Action.SUSPEND, administrator, origin, target=user.username, reason=reason))
    except TransactWriteError as exc:
        raise Conflict(gettext("This user is already suspended.")) from exc
    sessions.end_all(user.username)
    collaborators.suspension_changed(user.username)
    mails.to_user(user, "account-suspended", reason=reason)


def restore(administrator: str, username: str, origin: Origin) -> None:
    user = _target(administrator, username)
    try:
        with transaction() as t:
            t.update(user, actions=[User.suspended_at.remove(), User.suspension_reason.remove()],
                     condition=User.suspended_at.exists())
            record(t, Tag.ACCOUNT_RESTORE, origin, user=user.username, actor=administrator)
            t.save(log.entry(log.Action.RESTORE, administrator, origin, target=user.username))
    except TransactWriteError as exc:
        raise Conflict(gettext("This user is not suspended.")) from exc
    collaborators.suspension_changed(user.username)
    mails.to_user(user, "account-restored")


def end_sessions(administrator: str, username: str, origin: Origin) -> int:
    """Ends every session of the user (a stolen session, say); returns how many ended."""
    user = _target(administrator, username)
    with transaction() as t:
        record(t, Tag.SESSIONS_END_ALL, origin, user=user.username, actor=administrator)
        t.save(log.entry(log.Action.END_SESSIONS, administrator, origin, target=user.username))
    ended = sessions.end_all(user.username)
    mails.to_user(user, "sessions-ended", count=ended, by_administrator=True)
    return ended


def _target(administrator: str, username: str) -> User:
    user = get_or_none(User, username.strip().lower())
    if user is None:
        raise NotFound(gettext("No user named '%(name)s'.", name=username))
    if user.username == administrator:
        raise ValidationError({"reason": gettext("You cannot suspend, restore or sign out your own account here.")})
    return user


def grant(username: str, origin: Origin, by: str) -> bool:
    """Makes an existing user an administrator (`make admin`); False when they already were."""
    user = get_or_none(User, username.strip().lower())
    if user is None:
        raise NotFound(f"No user named '{username}'.")
    if user.administrator:
        return False
    with transaction() as t:
        t.update(user, actions=[User.administrator.set(True)])
        t.save(log.entry(log.Action.GRANT, by, origin, target=user.username))
    return True
