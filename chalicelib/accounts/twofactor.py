"""Which second factors an account has, read from its user item: an authenticator app, security
keys and passkeys, recovery codes; and the checks that one is there. The policy built on them
(the mandate, what removing a factor allows and clears) is chalicelib.mfa.policy."""
from __future__ import annotations

import enum
from datetime import datetime
from typing import NamedTuple

from chalicelib.accounts.models import Email, User
from chalicelib.core.db import get_or_none
from chalicelib.core.errors import EmailNotVerified, TwoFactorRequired


class Factor(enum.StrEnum):
    TOTP = "totp"
    SECURITY_KEY = "security-key"


class Factors(NamedTuple):
    """What second factors an account has, read from its user item."""

    totp_added_at: datetime | None
    security_keys: int
    recovery_codes: int
    recovery_generated_at: datetime | None

    @property
    def totp(self) -> bool:
        return self.totp_added_at is not None

    @property
    def any(self) -> bool:
        return self.totp or self.security_keys > 0

    def without(self, factor: Factor) -> Factors:
        """What would remain once one factor of this kind is removed."""
        if factor is Factor.TOTP:
            return Factors(None, self.security_keys, self.recovery_codes, self.recovery_generated_at)
        return Factors(self.totp_added_at, max(0, self.security_keys - 1), self.recovery_codes,
                       self.recovery_generated_at)


def factors(user: User) -> Factors:
    totp_added = user.totp_added_at if user.totp_secret is not None else None
    if user.totp_secret is not None and totp_added is None:  # enrolled before the date was kept
        totp_added = user.created_at
    return Factors(totp_added, int(user.webauthn_keys or 0), len(user.recovery_codes or ()),
                   user.recovery_generated_at)


def has_two_factor(user: User) -> bool:
    return factors(user).any


def require_two_factor(username: str) -> None:
    """Raises TwoFactorRequired unless this user has a second factor."""
    user = get_or_none(User, username)
    if user is None or not has_two_factor(user):
        raise TwoFactorRequired()


def require_verified_primary(user: User, primary: Email | None = None) -> None:
    """A second factor is added only once the primary address is known to be the user's.
    `primary`: its record, when the caller read it already."""
    if primary is None or primary.email != user.primary_email.lower():
        primary = Email.get(user.username, user.primary_email)
    if not primary.verified:
        raise EmailNotVerified()
