"""API tokens for uploads: made and listed on the account pages, checked by /legacy/.

A token reads pypi-cs_<id>_<secret>_<crc32>: the checksum lets scanners (and we) tell a
real token from noise without a lookup. Only an HMAC of the secret is stored, so the
database alone cannot produce a working token.
"""
from __future__ import annotations

import hmac
import re
import secrets
import zlib
from datetime import UTC, datetime, time, timedelta
from typing import Any, NamedTuple

from pynamodb.exceptions import TransactWriteError
from pynamodb.expressions.update import Action
from pynamodb.transactions import TransactWrite

from chalicelib.accounts import mails, twofactor
from chalicelib.accounts.models import Email, User
from chalicelib.core import clock, crypto, keys
from chalicelib.core.db import Key, get_or_none, transaction
from chalicelib.core.errors import CheeseshopError, NotFound, TokenRefused, TwoFactorRequired, ValidationError
from chalicelib.core.origin import Origin
from chalicelib.core.translation import gettext
from chalicelib.events.services import record
from chalicelib.events.tags import Tag
from chalicelib.packaging.names import normalize
from chalicelib.packaging.permissions import Permission, may
from chalicelib.tokens.models import Token

PREFIX = "pypi-cs_"
NAME_MAX = 100
MAX_LIFETIME = timedelta(days=366)
LAST_USED_GRANULARITY = timedelta(minutes=1)
TOKEN_RE = re.compile(r"^pypi-cs_([0-9a-f]{24})_([0-9a-f]{64})_([0-9a-f]{8})$")


class TokenInfo(NamedTuple):
    id: str
    name: str
    projects: list[str] | None  # None: every project of the user
    created_at: datetime | None
    last_used_at: datetime | None
    expires_at: datetime | None


class Authorized(NamedTuple):
    username: str  # "" for a token minted by trusted publishing
    token_id: str
    projects: list[str] | None
    token_name: str = ""
    publisher: str = ""  # the workflow a minted token stands for (chalicelib.oidc)
    bound: tuple[str, ...] = ()  # a minted token's projects by identity ("<name> <identity>")

    def may_upload_to(self, project: str) -> bool:
        return self.projects is None or project in self.projects


def _checksum(body: str) -> str:
    return f"{zlib.crc32(body.encode()) & 0xFFFFFFFF:08x}"


def _compose(token_id: str, secret: str) -> str:
    body = f"{PREFIX}{token_id}_{secret}"
    return f"{body}_{_checksum(body)}"


def parse(token: str) -> tuple[str, str] | None:
    """(id, secret) of a well-formed token whose checksum is right."""
    match = TOKEN_RE.match(token.strip())
    if not match or not hmac.compare_digest(_checksum(token.strip()[:-9]), match.group(3)):
        return None
    return match.group(1), match.group(2)


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


def _may_make_tokens(user: User | None, primary: Email | None = None) -> User:
    """The mandate: tokens are for users with a second factor and a verified email."""
    if user is None or not twofactor.has_two_factor(user):
        raise TwoFactorRequired()
    twofactor.require_verified_primary(user, primary)
    return user


def create(username: str, *, name: str, projects: list[str], expires: str, origin: Origin) -> str:
    """A new token for all the user's projects (projects empty, or only ""), or for some."""
    user = _may_make_tokens(get_or_none(User, username))
    name = name.strip()
    chosen = list(dict.fromkeys(normalize(p) for p in projects if p.strip()))
    errors = {}
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
                         secret_hash=crypto.keyed_hash(secret, purpose=keys.API_TOKEN), expires_at=expires_at,
                         created_at=clock.now(), owner_email=user.primary_email.lower()),
                   condition=Token.id.does_not_exist())
            t.save(Token(_guard(username, name)), condition=Token.id.does_not_exist())
            record(t, Tag.TOKEN_CREATE, origin, user=username, detail=name)
    except TransactWriteError as exc:
        raise ValidationError({"name": gettext("You already have a token with this name.")}) from exc
    mails.to_user(user, "token-created", name=name, projects=", ".join(chosen), ip=origin.ip)
    return _compose(token_id, secret)


def _projects(token: Token) -> list[str] | None:
    return None if token.projects is None else [str(p) for p in token.projects]


def list_tokens(username: str) -> list[TokenInfo]:
    return sorted((TokenInfo(t.id, t.name or "", _projects(t), t.created_at, t.last_used_at, t.expires_at)
                   for t in Token.by_user.query(username)), key=lambda t: t.name.lower())


def revoke(username: str, token_id: str, origin: Origin) -> None:
    token = get_or_none(Token, token_id) if token_id else None
    if token is None or token.username != username:
        raise NotFound(gettext("That token is not on your account."))
    with transaction() as t:
        t.delete(token)
        t.delete(Token(_guard(username, token.name or "")))
        record(t, Tag.TOKEN_REVOKE, origin, user=username, detail=token.name or "")
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


def owner_keys(token: Token) -> list[Key]:
    """What authorized() needs read about a user token's owner: the user, and their primary
    address's record when the token names it."""
    if token.publisher is not None or token.username is None:
        return []
    return [(User, token.username, None), *([(Email, token.username, token.owner_email)] if token.owner_email else [])]


def presented(value: str) -> tuple[Token, str]:
    """The stored token a presented one stands for, and its secret; TokenRefused otherwise."""
    parsed = parse(value)
    token = get_or_none(Token, parsed[0]) if parsed else None
    if parsed is None or token is None or token.secret_hash is None:
        raise TokenRefused()
    if not crypto.matches(parsed[1], token.secret_hash, purpose=keys.API_TOKEN):
        raise TokenRefused()
    if token.expires_at is not None and token.expires_at <= clock.now():
        raise TokenRefused("This API token has expired. Make a new one in your account settings."
                           if token.publisher is None else "This API token has expired: mint a new one.")
    return token, parsed[1]


def mint(projects: dict[str, str], publisher: str, lifetime: timedelta) -> tuple[str, Token]:
    """A new upload token for trusted publishing, unsaved (the caller saves it in its own
    transaction): scoped to these projects (name -> identity: a project deleted and made again is
    not one of them), standing for the publisher, not for a user."""
    token_id, secret = secrets.token_hex(12), secrets.token_hex(32)
    now = clock.now()
    item = Token(token_id, secret_hash=crypto.keyed_hash(secret, purpose=keys.API_TOKEN),
                 projects=sorted(projects), bound=[f"{name} {uid}" for name, uid in sorted(projects.items())],
                 publisher=publisher, name=publisher, created_at=now, expires_at=now + lifetime,
                 expires=now + lifetime + timedelta(days=1))
    return _compose(token_id, secret), item


def burn(value: str) -> None:
    """Ends a minted token at once; anything else (another kind of token, none) is left as it is."""
    try:
        token, _ = presented(value)
    except TokenRefused:
        return
    if token.publisher is not None:
        token.delete()


def authorized(token: Token, secret: str, owner_items: list[Any]) -> Authorized:
    """What a presented token (presented()) stands for, given its owner's items as read for
    owner_keys(token): TokenRefused when the account may not use tokens now."""
    if token.publisher is not None:
        return Authorized("", token.id, _projects(token), token.publisher, publisher=token.publisher,
                          bound=tuple(str(b) for b in token.bound or ()))
    if token.username is None:
        raise TokenRefused()
    owner, primary = (owner_items + [None, None])[:2]
    if owner is not None and owner.suspended_at is not None:
        raise TokenRefused("This account is suspended: its API tokens are refused.")
    try:
        _may_make_tokens(owner, primary)
    except CheeseshopError as exc:
        raise TokenRefused("API tokens work only for accounts with two-factor authentication and a "
                           "verified email address.") from exc
    return Authorized(token.username, token.id, _projects(token), token.name or "")


def used(t: TransactWrite, token: Token, secret: str) -> None:
    """Adds to the upload's transaction what using the token changes: its last use (to the
    minute, which spares a write per file), and its hash, when a retired secret made it. A token
    revoked meanwhile fails the transaction."""
    if token.publisher is not None:  # minted for one workflow run: nothing to remember
        return
    now = clock.now()
    actions: list[Action] = []
    if token.last_used_at is None or now - token.last_used_at > LAST_USED_GRANULARITY:
        actions.append(Token.last_used_at.set(now))
    if not crypto.is_current(token.secret_hash or ""):
        actions.append(Token.secret_hash.set(crypto.keyed_hash(secret, purpose=keys.API_TOKEN)))
    if actions:
        t.update(token, actions=actions, condition=Token.id.exists())
