"""The one two-factor policy: whether an account must have a second factor (the mandate),
whether a factor may be removed, and what removing it clears. Which factors an account has is
chalicelib.accounts.twofactor's.

Every factor is treated alike: an account has two-factor while any factor remains; the
last one cannot go while the account needs two-factor; when none remains, the recovery
codes go too, since they would stand in for nothing.
"""
from __future__ import annotations

from pynamodb.expressions.update import Action

from chalicelib.accounts.models import User
from chalicelib.accounts.twofactor import Factor, factors
from chalicelib.core.errors import ValidationError
from chalicelib.core.translation import N_, gettext
from chalicelib.packaging import permissions

LAST_FACTOR = N_("You maintain projects, which require two-factor authentication: "
                  "add another factor before removing this one.")


def needs_two_factor(username: str) -> bool:
    """The mandate: maintaining a project requires two-factor."""
    return permissions.has_projects(username)


def check_removal(user: User, factor: Factor, *, field: str) -> None:
    """Refuses to remove the last factor of an account that needs two-factor."""
    if not factors(user).without(factor).any and needs_two_factor(user.username):
        raise ValidationError({field: gettext(LAST_FACTOR)})


def clearing_actions() -> list[Action]:
    """The writes to the user item that take every second factor away at once (an account
    recovery): the authenticator app, the count of security keys and passkeys, the recovery codes."""
    return [User.totp_secret.remove(), User.totp_last_step.remove(), User.totp_added_at.remove(),
            User.webauthn_keys.remove(), User.recovery_codes.remove(), User.recovery_generated_at.remove()]


def removal_actions(user: User, factor: Factor) -> list[Action]:
    """The writes to the user item that removing this factor makes."""
    actions: list[Action]
    if factor is Factor.TOTP:
        actions = [User.totp_secret.remove(), User.totp_last_step.remove(), User.totp_added_at.remove()]
    else:
        actions = [User.webauthn_keys.add(-1)]
    if not factors(user).without(factor).any:
        actions += [User.recovery_codes.remove(), User.recovery_generated_at.remove()]
    return actions
