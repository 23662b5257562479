"""Fixed-window rate limits on DynamoDB counters.

check() reads every counter an action is limited by in one BatchGet; hit() adds one
to each. Over any limit, RateLimited carries the seconds until that window ends.
"""
from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import UTC, datetime

from chalicelib.accounts.models import RateLimitCounter
from chalicelib.core import clock
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
MAIL_PER_USER = Limit("mail-user", 3, 3600, "emails sent")
MAIL_PER_IP = Limit("mail-ip", 10, 3600, "emails requested")
REGISTER_PER_IP = Limit("register-ip", 10, 3600, "accounts created")
# Wrong second-factor codes (TOTP, recovery, security key) share these, as on PyPI.
TWO_FACTOR_PER_USER = Limit("2fa-user", 5, 300, "wrong authentication codes")
TWO_FACTOR_PER_IP = Limit("2fa-ip", 20, 300, "wrong authentication codes")


def _key(limit: Limit, subject: str, now: int) -> tuple[str, int]:
    window, subject = now // limit.seconds, subject.lower()
    if len(subject) > SUBJECT_MAX:  # a key must stay well under DynamoDB's 2 KB
        subject = "sha256:" + hashlib.sha256(subject.encode()).hexdigest()
    return f"{limit.name}:{subject}:{window}", (window + 1) * limit.seconds


def check(*pairs: tuple[Limit, str]) -> None:
    now = clock.timestamp()
    keys = {_key(limit, subject, now)[0]: limit for limit, subject in pairs}
    for counter in RateLimitCounter.batch_get(list(keys)):
        limit = keys[counter.key]
        if counter.hits >= limit.count:
            retry_after = _key(limit, "", now)[1] - now
            raise RateLimited(retry_after=max(1, retry_after), what=limit.what)


def hit(*pairs: tuple[Limit, str]) -> list[int]:
    """Counts one more against each limit; returns the new counts, in order."""
    now, counts = clock.timestamp(), []
    for limit, subject in pairs:
        key, window_end = _key(limit, subject, now)
        counter = RateLimitCounter(key)
        counter.update(actions=[
            RateLimitCounter.hits.add(1),
            RateLimitCounter.expires.set(datetime.fromtimestamp(window_end, UTC)),
        ])
        counts.append(int(counter.hits))
    return counts


def check_and_hit(*pairs: tuple[Limit, str]) -> None:
    check(*pairs)
    hit(*pairs)
