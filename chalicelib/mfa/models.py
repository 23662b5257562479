"""Two-factor tables: security keys, passkeys and WebAuthn challenges. (The authenticator
app and recovery codes live on the user item: chalicelib.accounts.models.)

- webauthn-keys: security keys and passkeys by credential id (unique across users); GSI by_user.
- challenges: WebAuthn challenges, single-use and expiring.
"""
from __future__ import annotations

from pynamodb.attributes import (
    BooleanAttribute,
    ListAttribute,
    NumberAttribute,
    TTLAttribute,
    UnicodeAttribute,
    UTCDateTimeAttribute,
)
from pynamodb.indexes import AllProjection, GlobalSecondaryIndex
from pynamodb.models import Model


class KeysByUser(GlobalSecondaryIndex["WebAuthnKey"]):
    class Meta:
        index_name = "by_user"
        projection = AllProjection()

    username = UnicodeAttribute(hash_key=True)


class WebAuthnKey(Model):
    """A security key or a passkey, keyed by its credential id, which is so unique across all users.

    A passkey is a discoverable credential registered with user verification: it signs in on
    its own, and sends back the user handle it was made with, which is kept to check it.

    Each key has a guard item keyed "label:<user>:<name>" (no username, so not in by_user),
    written in the same transaction, which keeps names unique per user."""

    class Meta:
        table_name = "webauthn-keys"

    credential_id = UnicodeAttribute(hash_key=True)  # base64url
    username = UnicodeAttribute(null=True)
    label = UnicodeAttribute(null=True)
    public_key = UnicodeAttribute(null=True)  # COSE, base64url
    sign_count = NumberAttribute(null=True)
    transports = ListAttribute(of=UnicodeAttribute, null=True)  # type: ignore[var-annotated]
    created_at = UTCDateTimeAttribute(null=True)
    last_used_at = UTCDateTimeAttribute(null=True)
    passkey = BooleanAttribute(null=True)
    user_handle = UnicodeAttribute(null=True)  # base64url, passkeys only
    by_user = KeysByUser()


class Challenge(Model):
    """A WebAuthn challenge: server-side, single-use (deleted when used) and expiring."""

    class Meta:
        table_name = "challenges"

    id = UnicodeAttribute(hash_key=True)
    username = UnicodeAttribute()
    purpose = UnicodeAttribute()
    challenge = UnicodeAttribute()  # base64url
    user_handle = UnicodeAttribute(null=True)  # base64url: the one a passkey registration offered
    expires = TTLAttribute()


MODELS: tuple[type[Model], ...] = (WebAuthnKey, Challenge)
