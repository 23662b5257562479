"""Who reads, and what they get: the credentials a read presents (an API token with the Read
permission as the password of __token__, or a session), found with one batch read, and the
answer chalicelib.packaging.permissions.sight() gives them.

A public project of a public index costs nothing here when the read presents no credentials.
Credentials presented are always checked, and refused ones are refused for every name alike
(401), so the answer never tells a private name from an unknown one. A token's owner is
remembered by its id in the container (it never changes): after the first read, the token, its
owner and their role are one BatchGetItem, so a revoked token, a suspended owner or a removed
role is refused at once.
"""
from __future__ import annotations

from collections.abc import Callable
from typing import Any, NamedTuple

from chalicelib.accounts.models import User
from chalicelib.core import switches
from chalicelib.core.db import Key, get_many, get_or_none
from chalicelib.core.errors import TokenRefused
from chalicelib.packaging.permissions import Reader, Sight, role_keys, sight
from chalicelib.tokens import credentials
from chalicelib.tokens.models import Token

OWNERS_KEPT = 10_000
ASK = ("Authentication required: use the username __token__ and an API token with the Read permission "
       "as the password.")
_owners: dict[str, Token] = {}  # token id -> the token's unchanging fields (username, owner_email)


class Caller(NamedTuple):
    """A read's credentials, as plain values."""

    authorization: str | None = None  # the Authorization header
    session_user: Callable[[], str | None] = lambda: None  # the session's user, read on first need


class Verdict(NamedTuple):
    sight: Sight
    private: bool  # the answer depends on who reads: never stored by a shared cache
    refused: str = ""  # why the credentials given were refused (ASK); "": none were given


def verdict(caller: Caller, *, project: str = "", private: bool = False) -> Verdict:
    """What this caller gets of the index (project "": a listing) or of a project of this privacy."""
    index_private = switches.index_private()
    if not (index_private or private or caller.authorization):
        return Verdict(Sight.SHOWN, False)
    reader, role = _reader(caller, project if private else "")
    seen = sight(reader, index_private=index_private, private=private, role=role, project=project)
    return Verdict(seen, index_private or private, reader.refused)


def _reader(caller: Caller, project: str) -> tuple[Reader, list[Any]]:
    """The reader, and their role items on the project (when one is asked about)."""
    if caller.authorization:
        return _token_reader(caller.authorization, project)
    username = caller.session_user()
    if username is None:
        return Reader(), []
    user, *roles = get_many([(User, username, None), *(role_keys(username, project) if project else [])])
    if user is None or user.suspended_at is not None:
        return Reader(), []
    return Reader(username, reads=True), roles


def _token_reader(header: str, project: str) -> tuple[Reader, list[Any]]:
    value = credentials.in_authorization(header)
    parsed = credentials.parse(value) if isinstance(value, str) else None
    if parsed is None:
        return Reader(refused=ASK), []
    token_id, secret = parsed
    known = _owners.get(token_id) or _remember(get_or_none(Token, token_id))
    if known is None:
        return Reader(refused=TokenRefused.message), []
    owner_keys = credentials.owner_keys(known)
    keys: list[Key] = [(Token, token_id, None), *owner_keys]
    if project and known.username:
        keys.extend(role_keys(known.username, project))
    found = get_many(keys)
    token, owner_items, roles = found[0], found[1:1 + len(owner_keys)], found[1 + len(owner_keys):]
    try:
        who = credentials.authorized(credentials.verified(token, secret), secret, owner_items)
    except TokenRefused as exc:
        return Reader(refused=exc.message), []
    assert token is not None
    credentials.read_with(token)
    reads = credentials.Scope.READ in who.scopes
    return Reader(who.username or None, reads, None if who.projects is None else tuple(who.projects)), roles


def _remember(token: Token | None) -> Token | None:
    """A token's owner, kept by its id (what a token is made for never changes)."""
    if token is None:
        return None
    if len(_owners) >= OWNERS_KEPT:
        _owners.clear()
    _owners[token.id] = Token(token.id, username=token.username, owner_email=token.owner_email,
                              publisher=token.publisher)
    return token
