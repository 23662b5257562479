"""Issuers' signing keys, found by OIDC discovery (<issuer>/.well-known/openid-configuration,
then its jwks_uri) and cached: in this container, and in DynamoDB for the others.

A token signed with a key not in the cache triggers a fetch, but an issuer is fetched at most
once a minute across all containers (a conditional write claims the fetch), so a flood of
made-up key ids cannot turn into a flood of requests. A fetch that fails keeps the old keys.
Only trusted issuers are ever fetched: the caller refuses any other before asking here.
"""
from __future__ import annotations

import json
import logging
import urllib.request
from datetime import timedelta
from typing import Any
from urllib.parse import urlsplit

from pynamodb.exceptions import UpdateError

from chalicelib.core import clock
from chalicelib.core.db import cancelled, get_or_none
from chalicelib.oidc.models import OidcState

log = logging.getLogger(__name__)
REFRESH_AT_MOST_EVERY = timedelta(minutes=1)
FETCH_TIMEOUT = 3  # seconds; a hung issuer must not hold a Lambda
DOCUMENT_MAX = 256 * 1024

Keys = dict[str, dict[str, Any]]  # kid -> JWK
_containers_cache: dict[str, Keys] = {}


class FetchFailed(Exception):
    pass


def key_for(issuer: str, kid: str) -> dict[str, Any] | None:
    """The issuer's public key with this id, or None when the issuer has no such key."""
    keys = _containers_cache.get(issuer, {})
    if kid in keys:
        return keys[kid]
    stored = get_or_none(OidcState, _key(issuer))
    if stored is not None and stored.jwks:
        keys = _containers_cache[issuer] = parse(stored.jwks)
        if kid in keys:
            return keys[kid]
    if not _claim_fetch(issuer):
        return None
    try:
        document = fetch(issuer)
        keys = parse(document)
    except FetchFailed:
        log.exception("could not fetch the keys of %s; keeping the old ones", issuer)
        return None
    OidcState(_key(issuer)).update(actions=[OidcState.jwks.set(document), OidcState.fetched_at.set(clock.now())])
    _containers_cache[issuer] = keys
    return keys.get(kid)


def forget() -> None:
    """Empties this container's cache (tests stand for a new container)."""
    _containers_cache.clear()


def _key(issuer: str) -> str:
    return f"jwks:{issuer}"


def _claim_fetch(issuer: str) -> bool:
    """Whether this container may fetch now: no one fetched this issuer in the last minute."""
    now = clock.now()
    try:
        OidcState(_key(issuer)).update(
            actions=[OidcState.attempted_at.set(now)],
            condition=OidcState.attempted_at.does_not_exist()
            | (OidcState.attempted_at < now - REFRESH_AT_MOST_EVERY))
    except UpdateError as exc:
        if cancelled(exc):
            return False
        raise
    return True


def parse(document: str) -> Keys:
    """The RSA keys of a JWKS document, by key id."""
    try:
        found = json.loads(document).get("keys", [])
    except (ValueError, AttributeError) as exc:
        raise FetchFailed("not a JWKS document") from exc
    if not isinstance(found, list):
        raise FetchFailed("not a JWKS document")
    return {key["kid"]: key for key in found
            if isinstance(key, dict) and key.get("kty") == "RSA" and isinstance(key.get("kid"), str)}


def fetch(issuer: str) -> str:
    """The issuer's JWKS document, by way of its discovery document."""
    try:
        discovery = json.loads(_get(issuer + "/.well-known/openid-configuration"))
    except ValueError as exc:
        raise FetchFailed(f"{issuer}'s discovery document is not JSON") from exc
    jwks_uri = discovery.get("jwks_uri") if isinstance(discovery, dict) else None
    if not isinstance(jwks_uri, str) or not _may_fetch(issuer, jwks_uri):
        raise FetchFailed(f"{issuer} names no usable jwks_uri")
    return _get(jwks_uri)


def _may_fetch(issuer: str, url: str) -> bool:
    """https, or the same plain-http loopback origin as an issuer the settings allowed."""
    parts, trusted = urlsplit(url), urlsplit(issuer)
    return parts.scheme == "https" or (parts.scheme == trusted.scheme == "http"
                                       and parts.netloc == trusted.netloc)


def _get(url: str) -> str:
    try:
        with urllib.request.urlopen(url, timeout=FETCH_TIMEOUT) as response:  # noqa: S310 (trusted issuers only)
            body = response.read(DOCUMENT_MAX + 1)
    except (OSError, ValueError) as exc:
        raise FetchFailed(f"could not fetch {url}") from exc
    if len(body) > DOCUMENT_MAX:
        raise FetchFailed(f"{url} is too large")
    try:
        return body.decode()
    except UnicodeDecodeError as exc:
        raise FetchFailed(f"{url} is not text") from exc
