"""Every check of a password outside the login form: re-entering it before a sensitive
change (chalicelib.accounts.login.reauthenticate), the current password on a change, the
password that removes a factor.

All of them count against the same limits as logins, so a stolen session cannot be used
to guess the password, and every failure is a security event.
"""
from __future__ import annotations

from chalicelib.accounts import passwords
from chalicelib.accounts.models import User
from chalicelib.core import ratelimit
from chalicelib.core.errors import ValidationError
from chalicelib.core.origin import Origin
from chalicelib.core.translation import N_, gettext
from chalicelib.events.services import record
from chalicelib.events.tags import Tag

WRONG_PASSWORD = N_("Your password is not correct.")


def password_limits(subject: str, origin: Origin) -> tuple[tuple[ratelimit.Limit, str], ...]:
    """The limits every password check counts against: per account (whatever identifies it:
    username or address) and per address."""
    return ((ratelimit.LOGIN_PER_USER, subject.strip().lower()), (ratelimit.LOGIN_PER_IP, origin.ip))


def is_wrong_password(user: User, password: str, origin: Origin) -> bool:
    """Checks the password within the limits (RateLimited once over them); a wrong one is
    counted and recorded. For forms that report it beside other errors."""
    attempt = ratelimit.reserve(*password_limits(user.username, origin))
    if passwords.verify(user.password_hash, password):
        ratelimit.give_back(attempt)
        return False
    record(None, Tag.PASSWORD_CONFIRM_FAILURE, origin, user=user.username)
    return True


def check_password(user: User, password: str, origin: Origin, *, field: str = "password",
                   message: str = WRONG_PASSWORD) -> None:
    """Raises ValidationError on `field` for a wrong password."""
    if is_wrong_password(user, password, origin):
        raise ValidationError({field: gettext(message)})
