"""Keyed protection for secrets at rest, with keys derived from the server's secret key.

seal/unseal: AES-GCM for what must be read back (a TOTP secret), bound to its owner so
a sealed value copied to another account does not open. keyed_hash: HMAC-SHA256 for
what only has to be recognised (recovery codes). A database reader alone gets neither.
"""
from __future__ import annotations

import base64
import hashlib
import hmac
import secrets

from chalicelib.core.config import get_settings

NONCE_BYTES = 12


class SealBroken(Exception):
    """A sealed value did not open: wrong key, wrong owner, or tampered."""


def _key(purpose: str) -> bytes:
    return hmac.new(get_settings().secret_key.encode(), b"cheeseshop-key:" + purpose.encode(),
                    hashlib.sha256).digest()


def seal(plaintext: str, *, purpose: str, owner: str) -> str:
    from cryptography.hazmat.primitives.ciphers.aead import AESGCM  # slow import: on demand

    nonce = secrets.token_bytes(NONCE_BYTES)
    sealed = AESGCM(_key(purpose)).encrypt(nonce, plaintext.encode(), owner.encode())
    return base64.urlsafe_b64encode(nonce + sealed).decode()


def unseal(token: str, *, purpose: str, owner: str) -> str:
    from cryptography.exceptions import InvalidTag
    from cryptography.hazmat.primitives.ciphers.aead import AESGCM

    try:
        raw = base64.urlsafe_b64decode(token.encode())
        return AESGCM(_key(purpose)).decrypt(raw[:NONCE_BYTES], raw[NONCE_BYTES:], owner.encode()).decode()
    except (InvalidTag, ValueError) as exc:
        raise SealBroken(purpose) from exc


def keyed_hash(value: str, *, purpose: str) -> str:
    return hmac.new(_key(purpose), value.encode(), hashlib.sha256).hexdigest()
