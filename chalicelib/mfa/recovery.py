"""Recovery codes: single-use codes for when the authenticator is lost.

Shown once; stored only as keyed hashes; each is removed from the account by a
conditional write when used, so it works once even under concurrent attempts.
"""
from __future__ import annotations

import secrets

from chalicelib.core import crypto, keys

COUNT = 8
CODE_BYTES = 8  # 16 hex characters


def normalize(code: str) -> str:
    return "".join(code.split()).replace("-", "").lower()


def hash_code(code: str) -> str:
    return crypto.keyed_hash(normalize(code), purpose=keys.RECOVERY_CODE)


def generate() -> tuple[list[str], set[str]]:
    """New codes to show once, and the hashes to store."""
    codes = [secrets.token_hex(CODE_BYTES) for _ in range(COUNT)]
    return codes, {hash_code(code) for code in codes}


def match(code: str, stored: set[str]) -> str | None:
    """The stored hash this code matches, compared in constant time against all of them."""
    candidate = normalize(code)
    if len(candidate) != CODE_BYTES * 2:
        return None
    found = None
    for hashed in sorted(stored):
        if crypto.matches(candidate, hashed, purpose=keys.RECOVERY_CODE):
            found = hashed
    return found
