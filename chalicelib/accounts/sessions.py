"""Server-side sessions and CSRF tokens.

The session cookie holds only a random id; the table is keyed by its SHA-256, so a
database reader cannot take over a session. CSRF tokens are an HMAC of a separate
random cookie, which is replaced at login and logout like the session id.
"""
from __future__ import annotations

import hashlib
import hmac
import secrets
from datetime import datetime, timedelta
from typing import NamedTuple

from pynamodb.transactions import TransactWrite

from chalicelib.accounts.models import Session
from chalicelib.core import clock, keys
from chalicelib.core.db import get_or_none
from chalicelib.core.errors import CsrfFailure
from chalicelib.core.origin import Origin

SESSION_COOKIE = "cheeseshop_session"
CSRF_COOKIE = "cheeseshop_csrf"
MAX_AGE = timedelta(hours=12)
# Sudo mode: destructive and ownership-changing actions need the session to have been
# authenticated this recently. A session's authenticated_at is set only when everything the
# account had was proven: a login (password, then the second factor if any), a
# reauthentication (the same), or a password alone for an account without a second factor.
# An account gains its first factor only from a fresh session, by proving that factor.
FRESH_FOR = timedelta(minutes=15)
TOKEN_BYTES = 32
TOUCH_EVERY = timedelta(minutes=5)  # how stale a session's "last used" may be: one write per interval at most


class SessionInfo(NamedTuple):
    username: str
    authenticated_at: datetime
    expires_at: datetime

    @property
    def sudo(self) -> bool:
        return clock.now() - self.authenticated_at < FRESH_FOR


def _key(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def handle_of(token: str) -> str:
    """How the account page names a session: its key, a digest that cannot be used as the cookie."""
    return _key(token)


def new_token() -> str:
    return secrets.token_urlsafe(TOKEN_BYTES)


def build(username: str, origin: Origin) -> tuple[str, Session]:
    """A fresh session id and its unsaved item (written by the caller, often in a transaction)."""
    token, now = new_token(), clock.now()
    item = Session(
        _key(token),
        username=username,
        created_at=now,
        authenticated_at=now,
        expires=now + MAX_AGE,
        ip=origin.ip,
        user_agent=origin.user_agent[:512],
    )
    return token, item


class ActiveSession(NamedTuple):
    """A session as its user sees it on the account page."""
    handle: str  # names it in a form: the table's key (a hash), never the cookie's value
    created_at: datetime
    last_used_at: datetime
    ip: str
    user_agent: str
    current: bool


def load(token: str | None) -> SessionInfo | None:
    if not token or len(token) > 128:
        return None
    item = get_or_none(Session, _key(token))
    now = clock.now()
    if item is None or item.expires is None or item.expires <= now:
        return None
    if now - (item.last_used_at or item.created_at) >= TOUCH_EVERY:
        _touch(item, now)
    return SessionInfo(item.username, item.authenticated_at, item.expires)


def _touch(item: Session, now: datetime) -> None:
    """Records that the session was used; never revives one ended meanwhile, never fails a request."""
    from pynamodb.exceptions import UpdateError

    try:
        item.update(actions=[Session.last_used_at.set(now)], condition=Session.id.exists())
    except UpdateError:
        pass  # ended meanwhile (the next request finds no session), or the store is busy: not worth a refusal


def active(username: str, current_token: str | None) -> list[ActiveSession]:
    """The user's sessions that have not expired, the most recently used first."""
    now, current = clock.now(), _key(current_token) if current_token else None
    found = [ActiveSession(item.id, item.created_at, item.last_used_at or item.created_at, item.ip, item.user_agent,
                           item.id == current)
             for item in Session.by_user.query(username) if item.expires is not None and item.expires > now]
    return sorted(found, key=lambda s: (not s.current, -s.last_used_at.timestamp()))


def end_one(t: TransactWrite, username: str, handle: str) -> None:
    """Ends one of the user's sessions, named by its handle; refused (a cancelled transaction) for
    a session that is not theirs or no longer exists."""
    t.delete(Session(handle), condition=Session.username == username)


def reauthenticated(t: TransactWrite, token: str) -> None:
    """An account without a second factor typed its password again: sudo mode for a while."""
    t.update(item(token), actions=[Session.authenticated_at.set(clock.now())])


def item(token: str) -> Session:
    """The (unloaded) item of a session, to delete inside a transaction."""
    return Session(_key(token))


def end(t: TransactWrite, token: str | None) -> None:
    if token:
        t.delete(item(token))


def end_all(username: str, *, but: str | None = None) -> int:
    """Ends every session of this user (after a password change or reset), or every one but the
    session whose token is `but` (the browser that asked); returns how many ended."""
    kept = _key(but) if but else None
    items = [item for item in Session.by_user.query(username) if item.id != kept]
    with Session.batch_write() as batch:
        for item in items:
            batch.delete(item)
    return len(items)


def csrf_token(csrf_id: str) -> str:
    return _csrf_token(keys.current(), csrf_id)


def _csrf_token(secret: keys.Secret, csrf_id: str) -> str:
    return hmac.new(secret.key(keys.CSRF), csrf_id.encode(), hashlib.sha256).hexdigest()


def check_csrf(csrf_id: str | None, submitted: str | None) -> None:
    if not csrf_id or not submitted:
        raise CsrfFailure()
    found = False  # forms made before the secret was replaced still go through
    for secret in keys.ring():
        found |= hmac.compare_digest(_csrf_token(secret, csrf_id), submitted)
    if not found:
        raise CsrfFailure()
