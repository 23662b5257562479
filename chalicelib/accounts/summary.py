"""What the account page shows of an account: names, addresses, password and factors."""
from __future__ import annotations

from datetime import datetime
from typing import NamedTuple

from chalicelib.accounts import twofactor
from chalicelib.accounts.models import Email, User
from chalicelib.core.db import get_or_none
from chalicelib.core.errors import NotFound


class EmailInfo(NamedTuple):
    address: str
    verified: bool
    primary: bool


class Account(NamedTuple):
    username: str
    display_username: str
    full_name: str
    primary_email: str
    emails: list[EmailInfo]
    last_login_at: datetime | None
    password_changed_at: datetime
    factors: twofactor.Factors


def account(username: str) -> Account:
    user = get_or_none(User, username)
    if user is None:
        raise NotFound()
    emails = [EmailInfo(e.address, bool(e.verified), e.email == user.primary_email)
              for e in Email.query(username)]
    return Account(user.username, user.display_username, user.full_name, user.primary_email,
                   sorted(emails, key=lambda e: (not e.primary, e.address)),
                   user.last_login_at, user.password_changed_at, twofactor.factors(user))
