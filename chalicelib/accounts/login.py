"""Logging in and out: the password step, the state it leaves when a second factor must
follow, and finish_login, the one way every login method ends."""
from __future__ import annotations

import hashlib
from collections.abc import Callable, Sequence
from typing import NamedTuple

from pynamodb.expressions.condition import Condition
from pynamodb.expressions.update import Action
from pynamodb.transactions import TransactWrite

from chalicelib.accounts import confirm, devices, mails, passwords, registration, sessions, twofactor
from chalicelib.accounts.confirm import password_limits
from chalicelib.accounts.models import EmailOwner, User
from chalicelib.core import clock, mail, ratelimit, signing
from chalicelib.core.config import get_settings
from chalicelib.core.db import get_or_none, transaction
from chalicelib.core.errors import (
    AccountSuspended,
    CheeseshopError,
    InvalidCredentials,
    InvalidLink,
    LoginExpired,
    ValidationError,
)
from chalicelib.core.origin import Origin
from chalicelib.core.translation import gettext
from chalicelib.events.services import record
from chalicelib.events.tags import Tag

DEFAULT_NEXT = "/manage/account/"


class Pending(NamedTuple):
    """A right password waiting for its second factor: a login, or a reauthentication."""

    user: User
    next_path: str
    reauthenticating: bool = False


class LoginResult(NamedTuple):
    username: str
    session_token: str | None = None  # logged in
    pending: str | None = None  # the password was right; a second factor must follow
    language: str | None = None  # the one the account chose, for this browser from now on
    device: str | None = None  # a new device cookie for this browser (None: it keeps its own)


class Started(NamedTuple):
    """A login's end: the new session's token, and the browser's new device cookie (None when
    the one it sent is already this account's)."""
    token: str
    device: str | None


def find_user(login: str) -> User | None:
    """By username, or by an address verified on exactly one account."""
    login = login.strip()
    if len(login) > registration.EMAIL_MAX:  # longer than any name or address: no key to look up
        return None
    if "@" in login:
        owner = get_or_none(EmailOwner, login.lower())
        return get_or_none(User, owner.username) if owner else None
    if registration.username_problem(login):
        return None
    return get_or_none(User, registration.canonical(login))


def login(*, login: str, password: str, origin: Origin, previous_session: str | None = None,
          next_path: str = DEFAULT_NEXT, browser: str = "") -> LoginResult:
    """Checks the password. Without a second factor the result holds a new session; with
    one, only a short-lived pending state for /account/two-factor/. From a known device
    (accounts.devices) the attempt counts against that device's limit, not the account's."""
    user = find_user(login)
    limits = password_limits(user.username if user else login, origin)
    known = devices.signed_id(origin.device, user.username) if user else None
    if known is not None:
        limits = ((ratelimit.LOGIN_PER_DEVICE, known), *limits[1:])
    attempt = ratelimit.reserve(*limits)
    ok = passwords.verify(user.password_hash if user else None, password)
    if user is None or not ok:
        _failed(user, origin)
        raise InvalidCredentials()
    require_standing(user)  # only once the password was right: strangers learn nothing
    if twofactor.has_two_factor(user):
        ratelimit.give_back(attempt)
        return LoginResult(user.username, pending=pending_login(user, next_path, browser=browser))
    rehash = [User.password_hash.set(passwords.hash_password(password))] \
        if passwords.needs_rehash(user.password_hash) else []
    started = finish_login(user, origin, previous_session=previous_session, user_actions=rehash,
                           also=lambda t: ratelimit.give_back_in(t, attempt))
    return LoginResult(user.username, session_token=started.token, language=user.language, device=started.device)


def require_standing(user: User) -> None:
    """A suspended account may not log in, nor finish a login or reauthentication it began."""
    if user.suspended_at is not None:
        raise AccountSuspended()


def _failed(user: User | None, origin: Origin) -> None:
    if user is None:
        return
    record(None, Tag.LOGIN_FAILURE, origin, user=user.username)
    # Tell the owner once, when logins pause.
    if ratelimit.count(ratelimit.LOGIN_PER_USER, user.username) == ratelimit.LOGIN_PER_USER.most:
        record(None, Tag.LOGIN_LOCKED, origin, user=user.username)
        mails.to_user(user, "login-rate-limited", ip=origin.ip, minutes=ratelimit.LOGIN_PER_USER.seconds // 60)


def finish_login(user: User, origin: Origin, *, previous_session: str | None, method: str = "",
                 user_actions: Sequence[Action] = (), user_condition: Condition | None = None,
                 also: Callable[[TransactWrite], None] | None = None, reauthenticating: bool = False) -> Started:
    """The one way a login ends, whatever proved it: a new session, the last-login time and
    the login event, written in one transaction that also ends the session the browser had and
    keeps the browser as a known device of the account (accounts.devices).
    A reauthentication ends the same way (a new session proves every factor afresh), and is
    recorded as one.

    A second factor adds its own writes (a spent code, a key's sign count) and a condition on
    the user item, so a code replayed concurrently loses the race; an account suspended
    meanwhile loses it too. TransactWriteError when a condition failed."""
    token, session = sessions.build(user.username, origin)
    standing = User.suspended_at.does_not_exist()
    with transaction() as t:
        t.update(user, actions=[User.last_login_at.set(session.created_at), *user_actions],
                 condition=standing if user_condition is None else standing & user_condition)
        t.save(session)
        record(t, Tag.REAUTHENTICATE if reauthenticating else Tag.LOGIN_SUCCESS, origin, user=user.username,
               detail=method)
        if previous_session:
            t.delete(sessions.item(previous_session))
        device = devices.seen(t, user.username, origin, session.created_at)
        if also is not None:
            also(t)
    return Started(token, device)


def hold(found: Pending, origin: Origin, *, browser: str, method: str, user_actions: Sequence[Action],
         user_condition: Condition, also: Callable[[TransactWrite], None]) -> None:
    """A login by code from a browser the account has not seen: the code is spent (the same
    writes and condition finish_login would make), no session starts, and the user is mailed a
    link that finishes it in this browser within CHEESESHOP_NEW_DEVICE_LINK_SECONDS (15 minutes).
    Raises devices.LoginHeld, which carries those minutes."""
    user = found.user
    with transaction() as t:
        t.update(user, actions=list(user_actions), condition=User.suspended_at.does_not_exist() & user_condition)
        record(t, Tag.LOGIN_HELD, origin, user=user.username, detail=method)
        also(t)
    token = signing.sign(signing.NEW_DEVICE_LOGIN, {"user": user.username, "next": found.next_path,
                                                    "method": method, **_bound(user, browser)})
    mails.to_user(user, "confirm-login", link=mail.link("/account/confirm-login/", token=token), ip=origin.ip,
                  browser=origin.user_agent or gettext("Unknown browser"), minutes=_held_for_minutes(), now=clock.now())
    raise devices.LoginHeld(_held_for_minutes())


def _held_for_minutes() -> int:
    return max(1, get_settings().new_device_link_seconds // 60)


def confirm_held(token: str, origin: Origin, *, previous_session: str | None, browser: str) -> tuple[Started, str]:
    """Finishes a held login from its mailed link, in the browser that logged in (its session,
    and where to go next). Refused from another browser, once used, or too late."""
    payload = signing.unsign(signing.NEW_DEVICE_LOGIN, token, max_age=get_settings().new_device_link_seconds)
    user = get_or_none(User, str(payload.get("user", "")))
    if user is None or any(payload.get(k) != v for k, v in _bound(user, browser).items()):
        raise InvalidLink(gettext("Open the link in the browser where you logged in, within %(minutes)s minutes, "
                                  "and only once.", minutes=_held_for_minutes()))
    require_standing(user)
    started = finish_login(user, origin, previous_session=previous_session, method=str(payload.get("method", "")))
    return started, str(payload.get("next") or DEFAULT_NEXT)


def _bound(user: User, browser: str) -> dict[str, str]:
    """What a pending state is bound to: the password it followed, the last completed login
    (so it dies once a login completes) and the browser that typed the password (a digest of
    its CSRF cookie, which only that browser sends)."""
    last = user.last_login_at.isoformat() if user.last_login_at else ""
    return {"changed": user.password_changed_at.isoformat(), "last": last,
            "browser": hashlib.sha256(browser.encode()).hexdigest()[:32]}


def pending_login(user: User, next_path: str, reauthenticating: bool = False, *, browser: str) -> str:
    return signing.sign(signing.TWO_FACTOR_LOGIN, {"user": user.username, "next": next_path,
                                                   "sudo": reauthenticating, **_bound(user, browser)})


def pending_user(pending: str | None, *, browser: str) -> Pending:
    """The user a pending login is for, while it is still good; and where to go after."""
    try:
        payload = signing.unsign(signing.TWO_FACTOR_LOGIN, pending or "")
    except CheeseshopError as exc:
        raise LoginExpired() from exc
    user = get_or_none(User, str(payload.get("user", "")))
    if user is None or any(payload.get(k) != v for k, v in _bound(user, browser).items()):
        raise LoginExpired()
    require_standing(user)
    return Pending(user, str(payload.get("next") or DEFAULT_NEXT), payload.get("sudo") is True)


def reauthenticate(token: str | None, username: str, password: str, origin: Origin, next_path: str, *,
                   browser: str) -> str | None:
    """Sudo mode, before a sensitive action: the password again, then the second factor
    when the account has one. Returns the pending state for that second step, or None when
    the password was all the account has (the session is then fresh again)."""
    user = User.get(username)
    confirm.check_password(user, password, origin)
    if not token:
        raise ValidationError({"password": gettext(confirm.WRONG_PASSWORD)})
    if twofactor.has_two_factor(user):
        return pending_login(user, next_path, reauthenticating=True, browser=browser)
    with transaction() as t:
        record(t, Tag.REAUTHENTICATE, origin, user=username)
        sessions.reauthenticated(t, token)
    return None


def logout(token: str | None, username: str, origin: Origin) -> None:
    with transaction() as t:
        record(t, Tag.LOGOUT, origin, user=username)
        sessions.end(t, token)
