"""The second login step: an authenticator code, a recovery code (a security key's step is
in security_keys.py). After a right password there is no session yet, only the signed,
five-minute pending state of chalicelib.accounts.login; a right second factor turns it into
a session through finish_login."""
from __future__ import annotations

from collections.abc import Callable
from typing import Any, NamedTuple

from pynamodb.exceptions import TransactWriteError
from pynamodb.expressions.condition import Condition
from pynamodb.transactions import TransactWrite

from chalicelib.accounts import mails, twofactor
from chalicelib.accounts.devices import LoginHeld, must_confirm
from chalicelib.accounts.login import Pending, Started, finish_login, hold, pending_user
from chalicelib.accounts.models import User
from chalicelib.core import clock, crypto, keys, ratelimit
from chalicelib.core.errors import InvalidCode
from chalicelib.core.origin import Origin
from chalicelib.events.services import record
from chalicelib.events.tags import Tag
from chalicelib.mfa import recovery, totp


class Completed(NamedTuple):
    session_token: str
    username: str
    next_path: str
    recovery_codes_left: int | None = None
    language: str | None = None
    device: str | None = None  # the browser's new device cookie (accounts.login.Started)


class Methods(NamedTuple):
    """The second factors a pending login can finish with."""

    totp: bool
    security_keys: bool


def pending_methods(pending: str | None, *, browser: str) -> Methods:
    found = twofactor.factors(pending_user(pending, browser=browser).user)
    return Methods(found.totp, found.security_keys > 0)


def _limits(username: str, origin: Origin) -> tuple[tuple[ratelimit.Limit, str], ...]:
    return ((ratelimit.TWO_FACTOR_PER_USER, username), (ratelimit.TWO_FACTOR_PER_IP, origin.ip))


def code_attempt(username: str, origin: Origin) -> ratelimit.Reservation:
    """Counts a code attempt against the limits every second factor shares, before it is checked
    (RateLimited once over them); a right code gives it back with ratelimit.give_back."""
    return ratelimit.reserve(*_limits(username, origin))


def wrong_code(username: str, origin: Origin) -> InvalidCode:
    """Records a wrong code (its attempt stays counted); returns the error to raise."""
    record(None, Tag.TWO_FACTOR_FAILURE, origin, user=username)
    return InvalidCode()


def totp_secret(user: User) -> str:
    return crypto.unseal(user.totp_secret or "", purpose=keys.TOTP_SECRET, owner=user.username)


def sealed_totp_secret(secret: str, username: str) -> str:
    return crypto.seal(secret, purpose=keys.TOTP_SECRET, owner=username)


def current_totp_step(user: User, code: str) -> int | None:
    """The time step a code of the user's enrolled app belongs to, if right and not used before."""
    if user.totp_secret is None:
        return None
    last = int(user.totp_last_step) if user.totp_last_step is not None else -1
    try:
        secret = totp_secret(user)
    except crypto.SealBroken:  # sealed with a secret since dropped from the ring: no code can match
        return None
    return totp.matching_step(secret, code, now=clock.now().timestamp(), after_step=last)


def complete_with_totp(pending: str | None, code: str, origin: Origin, previous_session: str | None = None, *,
                       browser: str) -> Completed:
    found = pending_user(pending, browser=browser)
    user = found.user
    attempt = code_attempt(user.username, origin)
    step = current_totp_step(user, code)
    if step is None:
        raise wrong_code(user.username, origin)
    # The condition refuses a code replayed by a concurrent request.
    spent = Spent("totp", [User.totp_last_step.set(step), *_reseal(user)],
                  User.totp_last_step.does_not_exist() | (User.totp_last_step < step),
                  lambda t: ratelimit.give_back_in(t, attempt))
    try:
        started = _finish(found, origin, spent, previous_session=previous_session, browser=browser)
    except TransactWriteError as exc:
        raise wrong_code(user.username, origin) from exc
    return Completed(started.token, user.username, found.next_path, language=user.language,
                     device=started.device)


class Spent(NamedTuple):
    """What a right code writes, in the transaction that finishes (or holds) the login."""
    method: str
    user_actions: list[Any]
    user_condition: Condition
    also: Callable[[TransactWrite], None]


def _finish(found: Pending, origin: Origin, spent: Spent, *, previous_session: str | None,
            browser: str) -> Started:
    """The login ends, unless it comes from a browser the account has not seen: then the code is
    spent and the login held until the mailed link (accounts.login.hold raises LoginHeld). A
    reauthentication comes from a browser already logged in, and is never held."""
    if not found.reauthenticating and must_confirm(found.user.username, origin):
        hold(found, origin, browser=browser, method=spent.method, user_actions=spent.user_actions,
             user_condition=spent.user_condition, also=spent.also)
    return finish_login(found.user, origin, previous_session=previous_session, method=spent.method,
                        user_actions=spent.user_actions, user_condition=spent.user_condition, also=spent.also,
                        reauthenticating=found.reauthenticating)


def _reseal(user: User) -> list[Any]:
    """A secret sealed with a retired key is sealed again with the current one when it is used."""
    if user.totp_secret is None or crypto.is_current(user.totp_secret):
        return []
    return [User.totp_secret.set(sealed_totp_secret(totp_secret(user), user.username))]


def complete_with_recovery_code(pending: str | None, code: str, origin: Origin,
                                previous_session: str | None = None, *, browser: str) -> Completed:
    found = pending_user(pending, browser=browser)
    user = found.user
    attempt = code_attempt(user.username, origin)
    matched = recovery.match(code, set(user.recovery_codes or ()))
    if matched is None:
        raise wrong_code(user.username, origin)

    def spend(t: TransactWrite) -> None:
        record(t, Tag.RECOVERY_CODE_USE, origin, user=user.username)
        ratelimit.give_back_in(t, attempt)
    # Removing the code only if still there makes it single-use.
    spent = Spent("recovery-code", [User.recovery_codes.delete({matched})], User.recovery_codes.contains(matched),
                  spend)
    left = len(user.recovery_codes or ()) - 1
    try:
        started = _finish(found, origin, spent, previous_session=previous_session, browser=browser)
    except TransactWriteError as exc:
        raise wrong_code(user.username, origin) from exc
    except LoginHeld:
        mails.to_user(user, "recovery-code-used", ip=origin.ip, left=left)
        raise
    mails.to_user(user, "recovery-code-used", ip=origin.ip, left=left)
    return Completed(started.token, user.username, found.next_path, recovery_codes_left=left, language=user.language,
                     device=started.device)
