"""The server's keys: a ring of secrets, and one key per purpose derived from each by HKDF.

The current secret (`CHEESESHOP_SECRET_KEY`) makes everything new; retired secrets
(`CHEESESHOP_RETIRED_SECRET_KEYS`) are still accepted for what they made: links not yet
expired, sealed TOTP secrets, token and recovery-code hashes. Every stored value names the
id of the secret that made it, so a secret can be replaced without logging anyone out of
two-factor or killing their tokens; it can be dropped once nothing made with it matters.

A key id is derived from its secret (never configured apart from it, so they cannot
disagree) and reveals nothing of it.
"""
from __future__ import annotations

import functools
import hashlib
import hmac
from typing import NamedTuple

from chalicelib.core.config import get_settings

# Purposes: each derives its own key, so one key's use can never stand in for another's.
LINKS = "links"  # itsdangerous signatures: mailed links, the pending second factor, known devices
CSRF = "csrf"
TOTP_SECRET = "totp-secret"  # AES-GCM sealing of authenticator secrets
RECOVERY_CODE = "recovery-code"  # HMAC of recovery codes
API_TOKEN = "api-token"  # HMAC of API token secrets
WEBAUTHN_USER = "webauthn-user"  # the opaque user handle given to authenticators

SALT = b"cheeseshop hkdf v1"
KEY_ID_INFO = "key id"


def hkdf(secret: bytes, info: str, length: int = 32) -> bytes:
    """HKDF-SHA256 (RFC 5869) with a fixed salt, for keys of at most one hash length."""
    if not 0 < length <= hashlib.sha256().digest_size:
        raise ValueError("one block of output at most")
    prk = hmac.new(SALT, secret, hashlib.sha256).digest()
    return hmac.new(prk, info.encode() + b"\x01", hashlib.sha256).digest()[:length]


class Secret(NamedTuple):
    id: str
    value: bytes

    def key(self, purpose: str) -> bytes:
        return hkdf(self.value, purpose)


@functools.lru_cache(maxsize=32)
def _secret(value: str) -> Secret:
    raw = value.encode()
    return Secret(hkdf(raw, KEY_ID_INFO, 6).hex(), raw)


def current() -> Secret:
    return _secret(get_settings().secret_key)


def ring() -> list[Secret]:
    """Every accepted secret, the current one first."""
    settings = get_settings()
    return [_secret(settings.secret_key), *(_secret(value) for value in settings.retired_secret_keys)]


def by_id(key_id: str) -> Secret | None:
    return next((secret for secret in ring() if hmac.compare_digest(secret.id, key_id)), None)
