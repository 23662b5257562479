"""The second login step: an authenticator code, a recovery code (a security key's step is
in security_keys.py). After a right password there is no session yet, only the signed,
five-minute pending state of chalicelib.accounts.login; a right second factor turns it into
a session through finish_login."""
from __future__ import annotations

from typing import Any, NamedTuple

from pynamodb.exceptions import TransactWriteError
from pynamodb.transactions import TransactWrite

from chalicelib.accounts import mails, twofactor
from chalicelib.accounts.login import finish_login, pending_user
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
    try:  # the condition refuses a code replayed by a concurrent request
        started = finish_login(user, origin, previous_session=previous_session, method="totp",
                             user_actions=[User.totp_last_step.set(step), *_reseal(user)],
                             user_condition=User.totp_last_step.does_not_exist() | (User.totp_last_step < step),
                             also=lambda t: ratelimit.give_back_in(t, attempt),
                             reauthenticating=found.reauthenticating)
    except TransactWriteError as exc:
        raise wrong_code(user.username, origin) from exc
    return Completed(started.token, user.username, found.next_path, language=user.language,
                     device=started.device)


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
    try:  # removing the code only if still there makes it single-use
        started = finish_login(user, origin, previous_session=previous_session, method="recovery-code",
                             user_actions=[User.recovery_codes.delete({matched})],
                             user_condition=User.recovery_codes.contains(matched), also=spend,
                             reauthenticating=found.reauthenticating)
    except TransactWriteError as exc:
        raise wrong_code(user.username, origin) from exc
    left = len(user.recovery_codes or ()) - 1
    mails.to_user(user, "recovery-code-used", ip=origin.ip, left=left)
    return Completed(started.token, user.username, found.next_path, recovery_codes_left=left, language=user.language,
                     device=started.device)
