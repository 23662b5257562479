"""A token as presented: its form, the Authorization header that carries it, the stored token
it stands for, and what it may do (its scopes: read, upload, or both). Used by uploads
(chalicelib.forklift), reads (chalicelib.readers) and trusted publishing (chalicelib.oidc).

A token reads pypi-cs_<id>_<secret>_<crc32>: the checksum lets scanners (and we) tell a
real token from noise without a lookup. Only an HMAC of the secret is stored, so the
database alone cannot produce a working token.
"""
from __future__ import annotations

import base64
import binascii
import enum
import hmac
import re
import secrets
import zlib
from datetime import timedelta
from typing import Any, NamedTuple

from pynamodb.expressions.update import Action
from pynamodb.transactions import TransactWrite

from chalicelib.accounts import twofactor
from chalicelib.accounts.models import Email, User
from chalicelib.core import clock, crypto, keys
from chalicelib.core.db import Key, get_or_none
from chalicelib.core.errors import CheeseshopError, TokenRefused, TwoFactorRequired
from chalicelib.tokens.models import Token

PREFIX = "pypi-cs_"
LAST_USED_GRANULARITY = timedelta(minutes=1)
TOKEN_RE = re.compile(r"^pypi-cs_([0-9a-f]{24})_([0-9a-f]{64})_([0-9a-f]{8})$")


class Scope(enum.StrEnum):
    READ = "read"
    UPLOAD = "upload"


# The token page's "Permissions": each choice by its form value, and what it grants.
PERMISSIONS: dict[str, frozenset[Scope]] = {
    "upload": frozenset({Scope.UPLOAD}),
    "read": frozenset({Scope.READ}),
    "read-upload": frozenset({Scope.READ, Scope.UPLOAD}),
}
DEFAULT_PERMISSIONS = "upload"  # what every token did before tokens could read


def scopes(token: Token) -> frozenset[Scope]:
    """What a stored token may do (none stored: upload, as every token made before scopes)."""
    if token.scopes is None:
        return PERMISSIONS[DEFAULT_PERMISSIONS]
    known = {scope.value for scope in Scope}
    return frozenset(Scope(str(s)) for s in token.scopes if str(s) in known)  # one this code no longer knows: none


def permissions_of(granted: frozenset[Scope]) -> str:
    """The form value of the choice that grants these scopes."""
    return next((value for value, grants in PERMISSIONS.items() if grants == granted), DEFAULT_PERMISSIONS)


class Authorized(NamedTuple):
    username: str  # "" for a token minted by trusted publishing
    token_id: str
    projects: list[str] | None
    token_name: str = ""
    publisher: str = ""  # the workflow a minted token stands for (chalicelib.oidc)
    attester: str | None = None  # that workflow as PEP 740 names it (JSON): its uploads may carry attestations
    bound: tuple[str, ...] = ()  # a minted token's projects by identity ("<name> <identity>")
    scopes: frozenset[Scope] = PERMISSIONS[DEFAULT_PERMISSIONS]

    def may_upload_to(self, project: str) -> bool:
        return self.projects is None or project in self.projects


def _checksum(body: str) -> str:
    return f"{zlib.crc32(body.encode()) & 0xFFFFFFFF:08x}"


def compose(token_id: str, secret: str) -> str:
    body = f"{PREFIX}{token_id}_{secret}"
    return f"{body}_{_checksum(body)}"


def parse(token: str) -> tuple[str, str] | None:
    """(id, secret) of a well-formed token whose checksum is right."""
    match = TOKEN_RE.match(token.strip())
    if not match or not hmac.compare_digest(_checksum(token.strip()[:-9]), match.group(3)):
        return None
    return match.group(1), match.group(2)


def mandate(user: User | None, primary: Email | None = None) -> User:
    """The mandate: tokens are for users with a second factor and a verified email."""
    if user is None or not twofactor.has_two_factor(user):
        raise TwoFactorRequired()
    twofactor.require_verified_primary(user, primary)
    return user


def owner_keys(token: Token) -> list[Key]:
    """What authorized() needs read about a user token's owner: the user, and their primary
    address's record when the token names it."""
    if token.publisher is not None or token.username is None:
        return []
    return [(User, token.username, None), *([(Email, token.username, token.owner_email)] if token.owner_email else [])]


class NoToken(enum.Enum):
    """Why an Authorization header holds no token."""

    MISSING = "missing"  # no header, or a scheme this index does not take
    MALFORMED = "malformed"  # Basic with a value that is not base64 of "user:password"
    PASSWORD = "password"  # Basic with a username other than __token__


def in_authorization(header: str | None) -> str | NoToken:
    """The token an Authorization header carries: Basic __token__:<token> (twine, pip, uv,
    poetry), or 'token <token>' / 'Bearer <token>'; never a password."""
    scheme, _, value = (header or "").strip().partition(" ")
    if scheme.lower() in ("token", "bearer"):
        return value.strip()
    if scheme.lower() != "basic":
        return NoToken.MISSING
    try:
        username, _, secret = base64.b64decode(value.strip(), validate=True).decode().partition(":")
    except (binascii.Error, UnicodeDecodeError):
        return NoToken.MALFORMED
    return secret if username == "__token__" else NoToken.PASSWORD


def presented(value: str) -> tuple[Token, str]:
    """The stored token a presented one stands for, and its secret; TokenRefused otherwise."""
    parsed = parse(value)
    if parsed is None:
        raise TokenRefused()
    return verified(get_or_none(Token, parsed[0]), parsed[1]), parsed[1]


def verified(token: Token | None, secret: str) -> Token:
    """The stored token (as read for the presented one's id), when the secret is its own and it
    has not expired; TokenRefused otherwise."""
    if token is None or token.secret_hash is None:
        raise TokenRefused()
    if not crypto.matches(secret, token.secret_hash, purpose=keys.API_TOKEN):
        raise TokenRefused()
    if token.expires_at is not None and token.expires_at <= clock.now():
        raise TokenRefused("This API token has expired. Make a new one in your account settings."
                           if token.publisher is None else "This API token has expired: mint a new one.")
    return token


def mint(projects: dict[str, str], publisher: str, lifetime: timedelta, attester: str | None = None) -> tuple[
        str, Token]:
    """A new upload token for trusted publishing, unsaved (the caller saves it in its own
    transaction): scoped to these projects (name -> identity: a project deleted and made again is
    not one of them), standing for the publisher, not for a user; `attester`: the publisher as
    attestations name it."""
    token_id, secret = secrets.token_hex(12), secrets.token_hex(32)
    now = clock.now()
    item = Token(token_id, secret_hash=crypto.keyed_hash(secret, purpose=keys.API_TOKEN),
                 projects=sorted(projects), bound=[f"{name} {uid}" for name, uid in sorted(projects.items())],
                 publisher=publisher, attester=attester, name=publisher, created_at=now, expires_at=now + lifetime,
                 expires=now + lifetime + timedelta(days=1))
    return compose(token_id, secret), item


def burn(value: str) -> None:
    """Ends a minted token at once; anything else (another kind of token, none) is left as it is."""
    try:
        token, _ = presented(value)
    except TokenRefused:
        return
    if token.publisher is not None:
        token.delete()


def projects_of(token: Token) -> list[str] | None:
    """The projects a token is scoped to; None: all its user's."""
    return None if token.projects is None else [str(p) for p in token.projects]


def authorized(token: Token, secret: str, owner_items: list[Any]) -> Authorized:
    """What a presented token (presented()) stands for, given its owner's items as read for
    owner_keys(token): TokenRefused when the account may not use tokens now."""
    if token.publisher is not None:
        return Authorized("", token.id, projects_of(token), token.publisher, publisher=token.publisher,
                          attester=token.attester, bound=tuple(str(b) for b in token.bound or ()))
    if token.username is None:
        raise TokenRefused()
    owner, primary = (owner_items + [None, None])[:2]
    if owner is not None and owner.suspended_at is not None:
        raise TokenRefused("This account is suspended: its API tokens are refused.")
    try:
        mandate(owner, primary)
    except CheeseshopError as exc:
        raise TokenRefused("API tokens work only for accounts with two-factor authentication and a "
                           "verified email address.") from exc
    return Authorized(token.username, token.id, projects_of(token), token.name or "", scopes=scopes(token))


def read_with(token: Token) -> None:
    """Records that a read used the token (to the minute, as uploads do); never revives a token
    revoked meanwhile, never fails the read."""
    from pynamodb.exceptions import UpdateError

    if token.last_used_at is not None and clock.now() - token.last_used_at <= LAST_USED_GRANULARITY:
        return
    try:
        token.update(actions=[Token.last_used_at.set(clock.now())], condition=Token.id.exists())
    except UpdateError:
        pass  # revoked meanwhile, or the store is busy: not worth refusing a read


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
