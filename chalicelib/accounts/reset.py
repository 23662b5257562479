"""Changing a password, and resetting a forgotten one by a mailed link."""
from __future__ import annotations

from typing import NamedTuple

from pynamodb.exceptions import TransactWriteError

from chalicelib.accounts import mails, passwords, sessions
from chalicelib.accounts.confirm import check_password
from chalicelib.accounts.login import find_user
from chalicelib.accounts.models import User
from chalicelib.core import clock, mail, ratelimit, signing
from chalicelib.core.db import get_or_none, transaction
from chalicelib.core.errors import InvalidLink, ValidationError
from chalicelib.core.origin import Origin
from chalicelib.core.translation import N_, gettext
from chalicelib.events.services import record
from chalicelib.events.tags import Tag

REQUEST_FLOOR = 0.6  # seconds: above what asking for a reset takes for an existing account (mail sent)


class ResetFor(NamedTuple):
    """Whom a still-good reset link is for."""

    username: str
    display_username: str


def change_password(username: str, *, current: str, new: str, confirm: str, origin: Origin) -> str:
    """Returns the token of a new session; every other session of the user ends."""
    user = User.get(username)
    check_password(user, current, origin, field="current_password",
                   message=N_("Your current password is not correct."))
    _set_password(user, new, confirm, origin, Tag.PASSWORD_CHANGE)
    token, session = sessions.build(username, origin)
    session.save()
    return token


def _set_password(user: User, new: str, confirm: str, origin: Origin, tag: Tag) -> None:
    inputs = [user.username, user.full_name, user.primary_email]
    if problem := passwords.problems(new, confirm, user_inputs=inputs):
        raise ValidationError({"new_password": problem})
    if passwords.verify(user.password_hash, new):
        raise ValidationError({"new_password": gettext("Choose a password different from the current one.")})
    try:
        with transaction() as t:  # the condition makes a reset link single-use under races
            t.update(user, actions=[User.password_hash.set(passwords.hash_password(new)),
                                    User.password_changed_at.set(clock.now())],
                     condition=User.password_changed_at == user.password_changed_at)
            record(t, tag, origin, user=user.username)
    except TransactWriteError as exc:
        raise InvalidLink(gettext("The password was changed meanwhile. Please start again.")) from exc
    sessions.end_all(user.username)
    mails.to_user(user, "password-changed", ip=origin.ip, reset=tag is Tag.PASSWORD_RESET)


def _reset_payload(user: User) -> dict[str, str]:
    last_login = user.last_login_at.isoformat() if user.last_login_at else ""
    return {"user": user.username, "changed": user.password_changed_at.isoformat(),
            "login": last_login}


def request_password_reset(login: str, origin: Origin) -> None:
    """Mails a reset link if the account exists; answers the same either way, and in the same
    time: never sooner than REQUEST_FLOOR, so how long it took tells nobody whether it exists."""
    with clock.no_sooner_than(REQUEST_FLOOR):
        ratelimit.reserve((ratelimit.MAIL_PER_USER, login.strip().lower() or "-"),
                          (ratelimit.MAIL_PER_IP, origin.ip))
        _send_reset(login, origin)


def _send_reset(login: str, origin: Origin) -> None:
    user = find_user(login)
    if user is None:
        return
    token = signing.sign(signing.PASSWORD_RESET, _reset_payload(user))
    record(None, Tag.PASSWORD_RESET_REQUEST, origin, user=user.username)
    mails.to_user(user, "password-reset",
                  link=mail.link("/account/reset-password/", token=token),
                  minutes=signing.MAX_AGE[signing.PASSWORD_RESET] // 60)


def _user_for_reset(token: str) -> User:
    payload = signing.unsign(signing.PASSWORD_RESET, token)
    user = get_or_none(User, str(payload.get("user", "")))
    if user is None or payload != _reset_payload(user):
        raise InvalidLink()
    return user


def reset_for(token: str) -> ResetFor:
    """Whom a reset link is for, while it is still good."""
    user = _user_for_reset(token)
    return ResetFor(user.username, user.display_username)


def reset_password(token: str, *, new: str, confirm: str, origin: Origin) -> None:
    """Sets the new password and ends every session. It does not log the user in."""
    _set_password(_user_for_reset(token), new, confirm, origin, Tag.PASSWORD_RESET)
