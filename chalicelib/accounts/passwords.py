"""Password hashing (argon2id) and the password policy."""
from __future__ import annotations

import functools
import importlib.resources

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

MIN_LENGTH = 8
MAX_LENGTH = 4096
MIN_STRENGTH = 2  # zxcvbn score, 0..4, as PyPI
STRENGTH_PREFIX = 72
_hasher = PasswordHasher()  # argon2id with the library's current recommended parameters


@functools.lru_cache(maxsize=1)
def _dummy_hash() -> str:
    """Verified against when a login names no account, so both paths cost the same.
    Made on first need, not at import: hashing is deliberately slow and cold starts count."""
    return _hasher.hash("cheeseshop-dummy-password")


def hash_password(password: str) -> str:
    return _hasher.hash(password)


def verify(password_hash: str | None, password: str) -> bool:
    try:
        return _hasher.verify(password_hash or _dummy_hash(), password) and password_hash is not None
    except (VerificationError, InvalidHashError):
        return False


def needs_rehash(password_hash: str) -> bool:
    return _hasher.check_needs_rehash(password_hash)


def problems(password: str, confirm: str, *, user_inputs: list[str]) -> str | None:
    """Why this new password is refused, or None."""
    if len(password) < MIN_LENGTH:
        return f"Password must be at least {MIN_LENGTH} characters."
    if len(password) > MAX_LENGTH:
        return f"Password must be at most {MAX_LENGTH} characters."
    if password != confirm:
        return "The passwords do not match."
    if is_common(password):
        return "This password is too common: it appears in lists of leaked passwords. Choose another."
    return _weakness(password, user_inputs)


def is_common(password: str) -> bool:
    return password.lower() in _common_passwords()


@functools.lru_cache(maxsize=1)
def _common_passwords() -> frozenset[str]:
    text = importlib.resources.files("chalicelib.accounts").joinpath("data/common-passwords.txt").read_text()
    lines = (line.strip().lower() for line in text.splitlines())
    return frozenset(line for line in lines if line and not line.startswith("#"))


def _weakness(password: str, user_inputs: list[str]) -> str | None:
    from zxcvbn import zxcvbn  # imported on demand: it is large and only forms need it

    # zxcvbn refuses passwords over 72 characters; a longer one is judged by its start.
    result = zxcvbn(password[:STRENGTH_PREFIX], user_inputs=[value[:STRENGTH_PREFIX] for value in user_inputs if value])
    if result["score"] >= MIN_STRENGTH:
        return None
    hint = result["feedback"].get("warning") or "Add another word or two; uncommon words are better."
    return f"Password is too easy to guess. {hint}".strip()
