"""Fixed-window rate limits on DynamoDB counters, counted before the attempt is judged.

reserve() adds one to each counter an action is limited by, in one conditional update per
counter that succeeds only while under the limit, so concurrent attempts cannot all slip
through; over a limit, RateLimited carries the seconds until that window ends. An attempt
that turns out right gives its count back with give_back() (or give_back_in() a transaction),
so the limits count failures, as PyPI's do.
"""
from __future__ import annotations

import hashlib
from datetime import UTC, datetime
from typing import NamedTuple

from pynamodb.attributes import NumberAttribute, TTLAttribute, UnicodeAttribute
from pynamodb.exceptions import TransactWriteError
from pynamodb.models import Model
from pynamodb.transactions import TransactWrite

from chalicelib.core import clock
from chalicelib.core.db import get_or_none, transaction
from chalicelib.core.errors import TOO_MANY_ATTEMPTS, RateLimited
from chalicelib.core.translation import N_plural

SUBJECT_MAX = 256


class RateLimitCounter(Model):
    class Meta:
        table_name = "ratelimits"

    key = UnicodeAttribute(hash_key=True)
    hits = NumberAttribute(default=0)
    expires = TTLAttribute()


MODELS: tuple[type[Model], ...] = (RateLimitCounter,)


FAILED_LOGINS = N_plural("Too many failed login attempts. Please wait %(num)d minute and try again.",
                         "Too many failed login attempts. Please wait %(num)d minutes and try again.")
MAILS_SENT = N_plural("Too many emails sent. Please wait %(num)d minute and try again.",
                      "Too many emails sent. Please wait %(num)d minutes and try again.")
MAILS_REQUESTED = N_plural("Too many emails requested. Please wait %(num)d minute and try again.",
                           "Too many emails requested. Please wait %(num)d minutes and try again.")
ACCOUNTS_CREATED = N_plural("Too many accounts created. Please wait %(num)d minute and try again.",
                            "Too many accounts created. Please wait %(num)d minutes and try again.")
WRONG_CODES = N_plural("Too many wrong authentication codes. Please wait %(num)d minute and try again.",
                       "Too many wrong authentication codes. Please wait %(num)d minutes and try again.")
NEW_PROJECTS = N_plural("Too many new projects. Please wait %(num)d minute and try again.",
                        "Too many new projects. Please wait %(num)d minutes and try again.")
FILES_UPLOADED = N_plural("Too many files uploaded. Please wait %(num)d minute and try again.",
                          "Too many files uploaded. Please wait %(num)d minutes and try again.")
PENDING_PUBLISHERS = N_plural("Too many pending publishers registered. Please wait %(num)d minute and try again.",
                               "Too many pending publishers registered. Please wait %(num)d minutes and try again.")
PASSKEY_REQUESTS = N_plural("Too many passkey requests. Please wait %(num)d minute and try again.",
                            "Too many passkey requests. Please wait %(num)d minutes and try again.")
KEY_REQUESTS = N_plural("Too many security key requests. Please wait %(num)d minute and try again.",
                        "Too many security key requests. Please wait %(num)d minutes and try again.")


class Limit(NamedTuple):
    name: str
    most: int  # attempts a window takes
    seconds: int
    message: tuple[str, str] = TOO_MANY_ATTEMPTS  # what a refusal says (N_plural, minutes as %(num)d)


LOGIN_PER_USER = Limit("login-user", 10, 300, FAILED_LOGINS)
LOGIN_PER_IP = Limit("login-ip", 10, 300, FAILED_LOGINS)
# A browser that logged in to the account before counts on its own instead of per account,
# so strangers' failures cannot lock its owner out (chalicelib.accounts.login.known_device).
LOGIN_PER_DEVICE = Limit("login-device", 10, 300, FAILED_LOGINS)
MAIL_PER_USER = Limit("mail-user", 3, 3600, MAILS_SENT)
MAIL_PER_IP = Limit("mail-ip", 10, 3600, MAILS_REQUESTED)
REGISTER_PER_IP = Limit("register-ip", 10, 3600, ACCOUNTS_CREATED)
# Wrong second-factor codes (TOTP, recovery, security key) share these, as on PyPI.
TWO_FACTOR_PER_USER = Limit("2fa-user", 5, 300, WRONG_CODES)
TWO_FACTOR_PER_IP = Limit("2fa-ip", 20, 300, WRONG_CODES)
CHALLENGES_PER_USER = Limit("webauthn-challenge", 30, 300, KEY_REQUESTS)
# Signing in with a passkey names no user until it is answered: counted by address.
PASSKEY_CHALLENGES_PER_IP = Limit("passkey-challenge-ip", 120, 300, PASSKEY_REQUESTS)
PASSKEY_PER_IP = Limit("passkey-ip", 10, 300, FAILED_LOGINS)
# Floods: what one user (or one trusted publisher) may add in an hour. Counted inside the
# transaction that adds it (within()), so only what was added counts and nothing costs a call.
NEW_PROJECTS_PER_USER = Limit("new-projects", 5, 3600, NEW_PROJECTS)
FILES_PER_USER = Limit("files", 300, 3600, FILES_UPLOADED)
# Pending trusted publishers registered (each holds a repository's claims from every other account).
PENDING_PUBLISHERS_PER_USER = Limit("pending-publishers", 10, 3600, PENDING_PUBLISHERS)
# Files begun in upload sessions, listed or not: each may hold storage until its session expires.
STAGED_FILES_PER_USER = Limit("staged-files", 300, 3600, FILES_UPLOADED)


def _key(limit: Limit, subject: str, now: int) -> tuple[str, int]:
    window, subject = now // limit.seconds, subject.lower()
    if len(subject) > SUBJECT_MAX:  # a key must stay well under DynamoDB's 2 KB
        subject = "sha256:" + hashlib.sha256(subject.encode()).hexdigest()
    return f"{limit.name}:{subject}:{window}", (window + 1) * limit.seconds


class Reservation(NamedTuple):
    keys: tuple[str, ...]  # the counters this attempt counted against


def reserve(*pairs: tuple[Limit, str]) -> Reservation:
    """Counts one attempt against every limit, or raises RateLimited counting nothing: one
    transaction of conditional updates, each succeeding only while its counter is under the limit."""
    now = clock.timestamp()
    keyed = [(limit, *_key(limit, subject, now)) for limit, subject in pairs]
    try:
        with transaction() as t:
            for limit, key, window_end in keyed:
                _count(t, limit, key, window_end)
    except TransactWriteError as exc:
        for (limit, _, window_end), reason in zip(keyed, exc.cancellation_reasons or [], strict=False):
            if reason is not None and reason.code == "ConditionalCheckFailed":
                raise RateLimited(retry_after=max(1, window_end - now), message=limit.message) from exc
        raise
    return Reservation(tuple(key for _, key, _ in keyed))


def within(t: TransactWrite, limit: Limit, subject: str, amount: int = 1) -> None:
    """Counts amount (one attempt, or the files of one publication) against the limit inside
    the caller's transaction, which then fails when they do not all fit in the window; after
    such a failure, exceeded() says whether this limit was why."""
    _count(t, limit, *_key(limit, subject, clock.timestamp()), amount=amount)


def _count(t: TransactWrite, limit: Limit, key: str, window_end: int, amount: int = 1) -> None:
    """amount more on a counter, on condition that its window has room for them."""
    t.update(RateLimitCounter(key),
             actions=[RateLimitCounter.hits.add(amount),
                      RateLimitCounter.expires.set(datetime.fromtimestamp(window_end, UTC))],
             condition=RateLimitCounter.hits.does_not_exist() | (RateLimitCounter.hits <= limit.most - amount))


def exceeded(limit: Limit, subject: str) -> RateLimited | None:
    """The refusal to give when this limit's window is full, or None."""
    now = clock.timestamp()
    if count(limit, subject) < limit.most:
        return None
    return RateLimited(retry_after=max(1, _key(limit, subject, now)[1] - now), message=limit.message)


def count(limit: Limit, subject: str) -> int:
    """How many attempts the current window of this limit holds."""
    counter = get_or_none(RateLimitCounter, _key(limit, subject, clock.timestamp())[0])
    return int(counter.hits) if counter is not None else 0


def give_back_in(t: TransactWrite, reservation: Reservation) -> None:
    for key in reservation.keys:
        t.update(RateLimitCounter(key), actions=[RateLimitCounter.hits.add(-1)])


def give_back(reservation: Reservation) -> None:
    """Gives back the counts of an attempt that was right (one write for all of them)."""
    if reservation.keys:
        with transaction() as t:
            give_back_in(t, reservation)
