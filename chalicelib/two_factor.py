"""The second login step (authenticator code or recovery code) and the 2FA mandate.

After a right password on an account with a second factor there is no session yet,
only a signed, five-minute pending state; these functions turn it into a session.
"""
from __future__ import annotations

from dataclasses import dataclass

from pynamodb.exceptions import TransactWriteError

from chalicelib import clock, crypto, events, mail, ratelimit, recovery, sessions, signing, totp
from chalicelib.errors import CheeseshopError, InvalidCode, LoginExpired, TwoFactorRequired
from chalicelib.events import Origin, Tag
from chalicelib.models import Role, User, get_or_none, transaction

TOTP_PURPOSE = "totp-secret"


@dataclass(frozen=True)
class Completed:
    session_token: str
    username: str
    next_path: str
    recovery_codes_left: int | None = None


def has_two_factor(user: User) -> bool:
    return user.totp_secret is not None or bool(user.webauthn_keys)


def pending_login(user: User, next_path: str) -> str:
    return signing.sign(signing.TWO_FACTOR_LOGIN, {"user": user.username,
                                                   "changed": user.password_changed_at.isoformat(),
                                                   "next": next_path})


def pending_user(pending: str | None) -> tuple[User, str]:
    """The user a pending login is for, while it is still good; and where to go after."""
    try:
        payload = signing.unsign(signing.TWO_FACTOR_LOGIN, pending or "")
    except CheeseshopError as exc:
        raise LoginExpired() from exc
    user = get_or_none(User, str(payload.get("user", "")))
    if user is None or payload.get("changed") != user.password_changed_at.isoformat():
        raise LoginExpired()
    return user, str(payload.get("next") or "/manage/account/")


def pending_username(pending: str | None) -> str:
    return pending_user(pending)[0].username


def pending_methods(pending: str | None) -> tuple[bool, bool]:
    """Which second factors the pending user has: (authenticator app, security keys)."""
    user = pending_user(pending)[0]
    return user.totp_secret is not None, bool(user.webauthn_keys)


def _limits(username: str, origin: Origin) -> tuple[tuple[ratelimit.Limit, str], ...]:
    return ((ratelimit.TWO_FACTOR_PER_USER, username), (ratelimit.TWO_FACTOR_PER_IP, origin.ip))


def wrong_code(username: str, origin: Origin) -> InvalidCode:
    """Counts a wrong code against the shared limits and records it; returns the error to raise."""
    ratelimit.hit(*_limits(username, origin))
    events.record_event(username, Tag.TWO_FACTOR_FAILURE, origin)
    return InvalidCode()


def check_limits(username: str, origin: Origin) -> None:
    ratelimit.check(*_limits(username, origin))


def totp_secret(user: User) -> str:
    return crypto.unseal(user.totp_secret or "", purpose=TOTP_PURPOSE, owner=user.username)


def complete_with_totp(pending: str | None, code: str, origin: Origin,
                       previous_session: str | None = None) -> Completed:
    user, next_path = pending_user(pending)
    check_limits(user.username, origin)
    last = int(user.totp_last_step) if user.totp_last_step is not None else -1
    step = totp.matching_step(totp_secret(user), code, now=clock.now().timestamp(), after_step=last) \
        if user.totp_secret is not None else None
    if step is None:
        raise wrong_code(user.username, origin)
    token, session = sessions.build(user.username, origin)
    try:
        with transaction() as t:  # the condition refuses a code replayed by a concurrent request
            t.update(user, actions=[User.totp_last_step.set(step), User.last_login_at.set(session.created_at)],
                     condition=User.totp_last_step.does_not_exist() | (User.totp_last_step < step))
            t.save(session)
            t.save(events.build(user.username, Tag.LOGIN_SUCCESS, origin, detail="with an authenticator app"))
            if previous_session:
                t.delete(sessions.item(previous_session))
    except TransactWriteError as exc:
        raise wrong_code(user.username, origin) from exc
    return Completed(token, user.username, next_path)


def complete_with_recovery_code(pending: str | None, code: str, origin: Origin,
                                previous_session: str | None = None) -> Completed:
    user, next_path = pending_user(pending)
    check_limits(user.username, origin)
    matched = recovery.match(code, set(user.recovery_codes or ()))
    if matched is None:
        raise wrong_code(user.username, origin)
    token, session = sessions.build(user.username, origin)
    try:
        with transaction() as t:  # removing the code only if still there makes it single-use
            t.update(user, actions=[User.recovery_codes.delete({matched}), User.last_login_at.set(session.created_at)],
                     condition=User.recovery_codes.contains(matched))
            t.save(session)
            t.save(events.build(user.username, Tag.RECOVERY_CODE_USE, origin))
            if previous_session:
                t.delete(sessions.item(previous_session))
    except TransactWriteError as exc:
        raise wrong_code(user.username, origin) from exc
    left = len(user.recovery_codes or ()) - 1
    mail.send(user.primary_email, "recovery-code-used", username=user.display_username, ip=origin.ip, left=left)
    return Completed(token, user.username, next_path, recovery_codes_left=left)


def maintains_projects(username: str) -> bool:
    return any(True for _ in Role.by_user.query(username, limit=1))


def require_two_factor(username: str) -> None:
    """The mandate: raise unless this user has a second factor."""
    user = get_or_none(User, username)
    if user is None or not has_two_factor(user):
        raise TwoFactorRequired()
