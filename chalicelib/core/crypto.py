"""Keyed protection for secrets at rest, with a key per purpose from core.keys.

seal/unseal: AES-GCM for what must be read back (a TOTP secret), bound to its owner so
a sealed value copied to another account does not open. keyed_hash/matches: HMAC-SHA256
for what only has to be recognised (recovery codes, API tokens). A database reader alone
gets neither.

Every value made here starts with the id of the secret whose key made it
("<key id>$<value>"), so it stays readable after that secret is retired; is_current says
whether it is worth making again with the current one. Values from before key ids carry
no id and are read with the keys of that time (an HMAC of each secret in the ring).
"""
from __future__ import annotations

import base64
import hashlib
import hmac
import secrets

from chalicelib.core import keys

NONCE_BYTES = 12
SEPARATOR = "$"  # in neither hex nor URL-safe base64


class SealBroken(Exception):
    """A sealed value did not open: wrong key, wrong owner, retired key gone, or tampered."""


def _split(stored: str) -> tuple[str | None, str]:
    key_id, separator, value = stored.rpartition(SEPARATOR)
    return (key_id, value) if separator else (None, value)


def _keys(key_id: str | None, purpose: str) -> list[bytes]:
    """The keys that may have made a value with this key id (none if its secret was dropped)."""
    if key_id is None:  # made before key ids
        return [hmac.new(secret.value, b"cheeseshop-key:" + purpose.encode(), hashlib.sha256).digest()
                for secret in keys.ring()]
    secret = keys.by_id(key_id)
    return [] if secret is None else [secret.key(purpose)]


def is_current(stored: str) -> bool:
    return _split(stored)[0] == keys.current().id


def seal(plaintext: str, *, purpose: str, owner: str) -> str:
    from cryptography.hazmat.primitives.ciphers.aead import AESGCM  # slow import: on demand

    secret = keys.current()
    nonce = secrets.token_bytes(NONCE_BYTES)
    sealed = AESGCM(secret.key(purpose)).encrypt(nonce, plaintext.encode(), owner.encode())
    return secret.id + SEPARATOR + base64.urlsafe_b64encode(nonce + sealed).decode()


def unseal(stored: str, *, purpose: str, owner: str) -> str:
    from cryptography.exceptions import InvalidTag
    from cryptography.hazmat.primitives.ciphers.aead import AESGCM

    key_id, value = _split(stored)
    try:
        raw = base64.urlsafe_b64decode(value.encode())
    except ValueError as exc:
        raise SealBroken(purpose) from exc
    for key in _keys(key_id, purpose):
        try:
            return AESGCM(key).decrypt(raw[:NONCE_BYTES], raw[NONCE_BYTES:], owner.encode()).decode()
        except (InvalidTag, ValueError):
            continue
    raise SealBroken(purpose)


def _mac(key: bytes, value: str) -> str:
    return hmac.new(key, value.encode(), hashlib.sha256).hexdigest()


def keyed_hash(value: str, *, purpose: str) -> str:
    secret = keys.current()
    return secret.id + SEPARATOR + _mac(secret.key(purpose), value)


def matches(value: str, stored: str, *, purpose: str) -> bool:
    """Whether value is what a stored keyed hash was made from, compared in constant time."""
    key_id, digest = _split(stored)
    found = False
    for key in _keys(key_id, purpose):
        found |= hmac.compare_digest(_mac(key, value), digest)
    return found
