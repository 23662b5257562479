"""API tokens: made, listed and revoked on the account pages. What a presented token stands
for, and may do, is chalicelib.tokens.credentials'.
"""
from __future__ import annotations

import secrets
from datetime import UTC, datetime, time, timedelta
from typing import NamedTuple

from pynamodb.exceptions import TransactWriteError

from chalicelib.accounts import mails
from chalicelib.accounts.models import User
from chalicelib.core import clock, crypto, keys
from chalicelib.core.db import get_or_none, transaction
from chalicelib.core.errors import NotFound, ValidationError
from chalicelib.core.origin import Origin
from chalicelib.core.translation import gettext
from chalicelib.events.services import record
from chalicelib.events.tags import Tag
from chalicelib.packaging.names import normalize
from chalicelib.packaging.permissions import Permission, may
from chalicelib.tokens.credentials import (
    DEFAULT_PERMISSIONS,
    PERMISSIONS,
    Scope,
    compose,
    mandate,
    permissions_of,
    projects_of,
    scopes,
)
from chalicelib.tokens.models import Token

NAME_MAX = 100
MAX_LIFETIME = timedelta(days=366)
class TokenInfo(NamedTuple):
    id: str
    name: str
    projects: list[str] | None  # None: every project of the user
    created_at: datetime | None
    last_used_at: datetime | None
    expires_at: datetime | None
    permissions: str = DEFAULT_PERMISSIONS  # a key of PERMISSIONS


def _guard(username: str, name: str) -> str:
    return f"name:{username}:{name.strip().lower()}"


def _expiry(value: str) -> datetime | None:
    if not value.strip():
        return None
    try:
        day = datetime.strptime(value.strip(), "%Y-%m-%d").date()
    except ValueError as exc:
        raise ValidationError({"expires": gettext("Give the date as YYYY-MM-DD, or leave it empty.")}) from exc
    expires = datetime.combine(day, time.max, tzinfo=UTC)
    if expires <= clock.now() or expires - clock.now() > MAX_LIFETIME:
        raise ValidationError({"expires": gettext("The date must be in the future and within a year.")})
    return expires


def create(username: str, *, name: str, projects: list[str], expires: str, origin: Origin,
           permissions: str = DEFAULT_PERMISSIONS) -> str:
    """A new token for all the user's projects (projects empty, or only ""), or for some; that
    reads, uploads, or both (permissions: a key of PERMISSIONS)."""
    user = mandate(get_or_none(User, username))
    name = name.strip()
    chosen = list(dict.fromkeys(normalize(p) for p in projects if p.strip()))
    errors = {}
    granted = PERMISSIONS.get(permissions)
    if granted is None:
        errors["permissions"] = gettext("Choose what the token may do: upload, read, or read and upload.")
    if not name or len(name) > NAME_MAX:
        errors["name"] = gettext("Give the token a name of 1 to %(max)s characters.", max=NAME_MAX)
    elif get_or_none(Token, _guard(username, name)) is not None:
        errors["name"] = gettext("You already have a token with this name.")
    if chosen and len(chosen) != len(projects):
        errors["scope"] = gettext("Choose all projects, or some projects, not both.")
    elif any(not may(username, Permission.UPLOAD, project) for project in chosen):
        errors["scope"] = gettext("You can only scope a token to a project you maintain.")
    if errors:
        raise ValidationError(errors)
    expires_at = _expiry(expires)
    token_id, secret = secrets.token_hex(12), secrets.token_hex(32)
    try:
        with transaction() as t:
            t.save(Token(token_id, username=username, name=name, projects=chosen or None,
                         scopes=sorted(granted or ()), expires_at=expires_at,
                         secret_hash=crypto.keyed_hash(secret, purpose=keys.API_TOKEN),
                         created_at=clock.now(), owner_email=user.primary_email.lower()),
                   condition=Token.id.does_not_exist())
            t.save(Token(_guard(username, name)), condition=Token.id.does_not_exist())
            record(t, Tag.TOKEN_CREATE, origin, user=username, detail=_described(name, granted or frozenset()))
    except TransactWriteError as exc:
        raise ValidationError({"name": gettext("You already have a token with this name.")}) from exc
    mails.to_user(user, "token-created", name=name, projects=", ".join(chosen), ip=origin.ip,
                  permissions=permissions)
    return compose(token_id, secret)


def _described(name: str, granted: frozenset[Scope]) -> str:
    """A token as its events name it: its name, and what it may do ("ci (read, upload)")."""
    return f"{name} ({', '.join(sorted(granted))})"


def list_tokens(username: str) -> list[TokenInfo]:
    return sorted((TokenInfo(t.id, t.name or "", projects_of(t), t.created_at, t.last_used_at, t.expires_at,
                             permissions_of(scopes(t)))
                   for t in Token.by_user.query(username)), key=lambda t: t.name.lower())


def revoke(username: str, token_id: str, origin: Origin) -> None:
    token = get_or_none(Token, token_id) if token_id else None
    if token is None or token.username != username:
        raise NotFound(gettext("That token is not on your account."))
    with transaction() as t:
        t.delete(token)
        t.delete(Token(_guard(username, token.name or "")))
        record(t, Tag.TOKEN_REVOKE, origin, user=username, detail=_described(token.name or "", scopes(token)))
    user = User.get(username)
    mails.to_user(user, "token-revoked", name=token.name, ip=origin.ip)


def revoke_all(username: str) -> int:
    """Deletes every API token of the user, with their name guards (an account recovery);
    returns how many went. The caller records and mails it."""
    found = list(Token.by_user.query(username))
    with Token.batch_write() as batch:
        for token in found:
            batch.delete(token)
            batch.delete(Token(_guard(username, token.name or "")))
    return len(found)


