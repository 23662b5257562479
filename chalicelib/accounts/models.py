"""Accounts' tables: users, their email addresses, sessions and known devices.

- users: get by canonical username. The two-factor fields (sealed TOTP secret, recovery
  code hashes, the count of security keys) live on the user item, so the login path reads
  one item; chalicelib.accounts.twofactor is the one reader of what they mean.
- emails: all of a user's addresses (query by username); email-owners: a verified address
  -> its user, which both enforces uniqueness and serves login by email.
- sessions: get by hashed id; GSI by_user to list or end all of a user's sessions.
- known-devices: a user's browsers that completed a login (by username and device id).
"""
from __future__ import annotations

from pynamodb.attributes import (
    BooleanAttribute,
    NumberAttribute,
    TTLAttribute,
    UnicodeAttribute,
    UnicodeSetAttribute,
    UTCDateTimeAttribute,
)
from pynamodb.indexes import AllProjection, GlobalSecondaryIndex
from pynamodb.models import Model


class User(Model):
    class Meta:
        table_name = "users"

    username = UnicodeAttribute(hash_key=True)  # canonical: lower case
    display_username = UnicodeAttribute()
    full_name = UnicodeAttribute(default="")
    primary_email = UnicodeAttribute()
    password_hash = UnicodeAttribute()
    password_changed_at = UTCDateTimeAttribute()
    created_at = UTCDateTimeAttribute()
    last_login_at = UTCDateTimeAttribute(null=True)
    # Second factors. The TOTP secret is sealed (chalicelib.core.crypto), recovery codes are keyed hashes.
    totp_secret = UnicodeAttribute(null=True)
    totp_last_step = NumberAttribute(null=True)  # the last accepted time step: no replays
    totp_added_at = UTCDateTimeAttribute(null=True)
    recovery_codes = UnicodeSetAttribute(null=True)
    recovery_generated_at = UTCDateTimeAttribute(null=True)
    webauthn_keys = NumberAttribute(null=True)  # how many security keys: no query on the login path
    language = UnicodeAttribute(null=True)  # chosen in the footer, or the one the account was made in
    administrator = BooleanAttribute(null=True)  # granted by `make admin` (chalicelib.admin.grant)
    suspended_at = UTCDateTimeAttribute(null=True)  # set by an administrator: no login, no tokens
    suspension_reason = UnicodeAttribute(null=True)


class Email(Model):
    class Meta:
        table_name = "emails"

    username = UnicodeAttribute(hash_key=True)
    email = UnicodeAttribute(range_key=True)  # lower case
    address = UnicodeAttribute()  # as typed
    verified = BooleanAttribute(default=False)
    created_at = UTCDateTimeAttribute()
    verified_at = UTCDateTimeAttribute(null=True)


class EmailOwner(Model):
    class Meta:
        table_name = "email-owners"

    email = UnicodeAttribute(hash_key=True)
    username = UnicodeAttribute()


class SessionsByUser(GlobalSecondaryIndex["Session"]):
    class Meta:
        index_name = "by_user"
        projection = AllProjection()

    username = UnicodeAttribute(hash_key=True)


class Session(Model):
    class Meta:
        table_name = "sessions"

    id = UnicodeAttribute(hash_key=True)  # sha256 of the cookie value
    username = UnicodeAttribute()
    created_at = UTCDateTimeAttribute()
    authenticated_at = UTCDateTimeAttribute()
    last_used_at = UTCDateTimeAttribute(null=True)  # to within sessions.TOUCH_EVERY
    expires = TTLAttribute()
    ip = UnicodeAttribute(default="")
    user_agent = UnicodeAttribute(default="")
    by_user = SessionsByUser()


class KnownDevice(Model):
    """A browser that completed a login to the account: its signed device cookie carries the id
    (chalicelib.accounts.devices). Forgotten, the item goes and the cookie names nothing."""

    class Meta:
        table_name = "known-devices"

    username = UnicodeAttribute(hash_key=True)
    id = UnicodeAttribute(range_key=True)
    created_at = UTCDateTimeAttribute()
    last_seen_at = UTCDateTimeAttribute()
    ip = UnicodeAttribute(default="")
    user_agent = UnicodeAttribute(default="")
    expires = TTLAttribute()  # as long as the cookie, from the last login


MODELS: tuple[type[Model], ...] = (User, Email, EmailOwner, Session, KnownDevice)
