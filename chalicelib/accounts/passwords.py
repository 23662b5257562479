"""Password hashing (argon2id) and the password policy."""
from __future__ import annotations

import functools
import importlib.resources
from typing import TYPE_CHECKING

from chalicelib.core.translation import N_, gettext

if TYPE_CHECKING:
    from argon2 import PasswordHasher

MIN_LENGTH = 8
MAX_LENGTH = 4096
MIN_STRENGTH = 2  # zxcvbn score, 0..4, as PyPI
STRENGTH_PREFIX = 72
_hasher: PasswordHasher | None = None  # argon2id with the library's recommended parameters, made on first use


def hasher() -> PasswordHasher:
    """Imported on first need: pages that check no password start without argon2."""
    global _hasher
    if _hasher is None:
        from argon2 import PasswordHasher

        _hasher = PasswordHasher()
    return _hasher


@functools.lru_cache(maxsize=1)
def _dummy_hash() -> str:
    """Verified against when a login names no account, so both paths cost the same.
    Made on first need, not at import: hashing is deliberately slow and cold starts count."""
    return hasher().hash("cheeseshop-dummy-password")


def hash_password(password: str) -> str:
    return hasher().hash(password)


def verify(password_hash: str | None, password: str) -> bool:
    from argon2.exceptions import InvalidHashError, VerificationError

    try:
        return hasher().verify(password_hash or _dummy_hash(), password) and password_hash is not None
    except (VerificationError, InvalidHashError):
        return False


def needs_rehash(password_hash: str) -> bool:
    return hasher().check_needs_rehash(password_hash)


def problems(password: str, confirm: str, *, user_inputs: list[str]) -> str | None:
    """Why this new password is refused, or None."""
    if len(password) < MIN_LENGTH:
        return gettext("Password must be at least %(min)s characters.", min=MIN_LENGTH)
    if len(password) > MAX_LENGTH:
        return gettext("Password must be at most %(max)s characters.", max=MAX_LENGTH)
    if password != confirm:
        return gettext("The passwords do not match.")
    if is_common(password):
        return gettext("This password is too common: it appears in lists of leaked passwords. Choose another.")
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
    warning = result["feedback"].get("warning")
    if warning in STRENGTH_WARNINGS:
        return gettext("Password is too easy to guess. %(warning)s", warning=gettext(warning))
    return gettext("Password is too easy to guess. Add another word or two; uncommon words are better.")


# What zxcvbn may say about a weak password (it speaks English only), for the catalogs.
STRENGTH_WARNINGS = frozenset([
    N_("Straight rows of keys are easy to guess."),
    N_("Short keyboard patterns are easy to guess."),
    N_('Repeats like "aaa" are easy to guess.'),
    N_('Repeats like "abcabcabc" are only slightly harder to guess than "abc".'),
    N_('Sequences like "abc" or "6543" are easy to guess.'),
    N_("Recent years are easy to guess."),
    N_("Dates are often easy to guess."),
    N_("This is a top-10 common password."),
    N_("This is a top-100 common password."),
    N_("This is a very common password."),
    N_("This is similar to a commonly used password."),
    N_("A word by itself is easy to guess."),
    N_("Names and surnames by themselves are easy to guess."),
    N_("Common names and surnames are easy to guess."),
])
