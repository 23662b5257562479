"""Fixed-window rate limits on DynamoDB counters, counted before the attempt is judged.

reserve() adds one to each counter an action is limited by, in one conditional update per
counter that succeeds only while under the limit, so concurrent attempts cannot all slip
through; over a limit, RateLimited carries the seconds until that window ends. An attempt
that turns out right gives its count back with release() (or release_in() a transaction),
so the limits count failures, as PyPI's do.
"""
from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import UTC, datetime

from pynamodb.exceptions import TransactWriteError
from pynamodb.transactions import TransactWrite

from chalicelib.accounts.models import RateLimitCounter
from chalicelib.core import clock
from chalicelib.core.db import get_or_none, transaction
from chalicelib.core.errors import RateLimited

SUBJECT_MAX = 256


@dataclass(frozen=True)
class Limit:
    name: str
    count: int
    seconds: int
    what: str = "attempts"


LOGIN_PER_USER = Limit("login-user", 10, 300, "failed login attempts")
LOGIN_PER_IP = Limit("login-ip", 10, 300, "failed login attempts")
# A browser that logged in to the account before counts on its own instead of per account,
# so strangers' failures cannot lock its owner out (chalicelib.accounts.login.known_device).
LOGIN_PER_DEVICE = Limit("login-device", 10, 300, "failed login attempts")
MAIL_PER_USER = Limit("mail-user", 3, 3600, "emails sent")
MAIL_PER_IP = Limit("mail-ip", 10, 3600, "emails requested")
REGISTER_PER_IP = Limit("register-ip", 10, 3600, "accounts created")
# Wrong second-factor codes (TOTP, recovery, security key) share these, as on PyPI.
TWO_FACTOR_PER_USER = Limit("2fa-user", 5, 300, "wrong authentication codes")
TWO_FACTOR_PER_IP = Limit("2fa-ip", 20, 300, "wrong authentication codes")
CHALLENGES_PER_USER = Limit("webauthn-challenge", 30, 300, "security key requests")


def _key(limit: Limit, subject: str, now: int) -> tuple[str, int]:
    window, subject = now // limit.seconds, subject.lower()
    if len(subject) > SUBJECT_MAX:  # a key must stay well under DynamoDB's 2 KB
        subject = "sha256:" + hashlib.sha256(subject.encode()).hexdigest()
    return f"{limit.name}:{subject}:{window}", (window + 1) * limit.seconds


@dataclass(frozen=True)
class Reservation:
    keys: tuple[str, ...]  # the counters this attempt counted against


def reserve(*pairs: tuple[Limit, str]) -> Reservation:
    """Counts one attempt against every limit, or raises RateLimited counting nothing: one
    transaction of conditional updates, each succeeding only while its counter is under the limit."""
    now = clock.timestamp()
    keyed = [(limit, *_key(limit, subject, now)) for limit, subject in pairs]
    try:
        with transaction() as t:
            for limit, key, window_end in keyed:
                t.update(RateLimitCounter(key),
                         actions=[RateLimitCounter.hits.add(1),
                                  RateLimitCounter.expires.set(datetime.fromtimestamp(window_end, UTC))],
                         condition=RateLimitCounter.hits.does_not_exist() | (RateLimitCounter.hits < limit.count))
    except TransactWriteError as exc:
        for (limit, _, window_end), reason in zip(keyed, exc.cancellation_reasons or [], strict=False):
            if reason is not None and reason.code == "ConditionalCheckFailed":
                raise RateLimited(retry_after=max(1, window_end - now), what=limit.what) from exc
        raise
    return Reservation(tuple(key for _, key, _ in keyed))


def count(limit: Limit, subject: str) -> int:
    """How many attempts the current window of this limit holds."""
    counter = get_or_none(RateLimitCounter, _key(limit, subject, clock.timestamp())[0])
    return int(counter.hits) if counter is not None else 0


def release_in(t: TransactWrite, reservation: Reservation) -> None:
    for key in reservation.keys:
        t.update(RateLimitCounter(key), actions=[RateLimitCounter.hits.add(-1)])


def release(reservation: Reservation) -> None:
    """Gives back the counts of an attempt that was right (one write for all of them)."""
    if reservation.keys:
        with transaction() as t:
            release_in(t, reservation)
