"""Accounts: registration and email addresses (adding, verifying)."""
from __future__ import annotations

import logging
import re

from pynamodb.exceptions import TransactWriteError

from chalicelib.accounts import mails, passwords
from chalicelib.accounts.models import Email, EmailOwner, User
from chalicelib.core import clock, mail, namespace, ratelimit, signing, switches, translation
from chalicelib.core.db import get_or_none, transaction
from chalicelib.core.errors import Halted, InvalidLink, NotFound, ValidationError
from chalicelib.core.origin import Origin
from chalicelib.core.translation import gettext
from chalicelib.events.services import record
from chalicelib.events.tags import Tag

log = logging.getLogger(__name__)

USERNAME_MAX = 50
USERNAME_RE = re.compile(r"^[a-z0-9](?:[a-z0-9._-]*[a-z0-9])?\Z", re.IGNORECASE | re.ASCII)  # no look-alikes
FULL_NAME_MAX = 100
EMAIL_MAX = 254
EMAIL_RE = re.compile(r"^[^@\s<>,;:\"()\[\]\x00-\x1f\x7f]+@[a-z0-9-]+(?:\.[a-z0-9-]+)*\.[a-z]{2,}\Z",
                      re.IGNORECASE | re.ASCII)  # no control character: an address goes into mail headers
EMAILS_PER_USER = 10


def canonical(username: str) -> str:
    return username.strip().lower()


def username_problem(username: str) -> str | None:
    if not username:
        return gettext("Username is required.")
    if len(username) > USERNAME_MAX:
        return gettext("Username must be at most %(max)s characters.", max=USERNAME_MAX)
    if not USERNAME_RE.match(username):
        return gettext("Username must start and end with a letter or number and contain only "
                       "letters, numbers, '.', '_' and '-'.")
    return None


def email_problem(address: str) -> str | None:
    if not address:
        return gettext("Email is required.")
    if len(address) > EMAIL_MAX or not EMAIL_RE.match(address):
        return gettext("This is not a valid email address.")
    if get_or_none(EmailOwner, address.lower()) is not None:
        return gettext("This email address is already in use by another account.")
    return None


def _registration_errors(username: str, full_name: str, email: str, password: str,
                         confirm: str) -> dict[str, str]:
    errors = {}
    if problem := username_problem(username):
        errors["username"] = problem
    elif get_or_none(User, canonical(username)) is not None:
        errors["username"] = gettext("This username is already taken. Choose another.")
    if len(full_name) > FULL_NAME_MAX:
        errors["full_name"] = gettext("Full name must be at most %(max)s characters.", max=FULL_NAME_MAX)
    if problem := email_problem(email):
        errors["email"] = problem
    if problem := passwords.problems(password, confirm, user_inputs=[username, full_name, email]):
        errors["password"] = problem
    return errors


def halted() -> bool:
    """Whether an administrator halted new accounts."""
    return not switches.allowed(switches.Switch.REGISTRATIONS)


def register(*, username: str, full_name: str, email: str, password: str, confirm: str,
             origin: Origin) -> str:
    if halted():
        raise Halted(gettext("New accounts cannot be registered right now. Please try again later."))
    username, full_name, email = username.strip(), full_name.strip(), email.strip()
    if errors := _registration_errors(username, full_name, email, password, confirm):
        raise ValidationError(errors)
    ratelimit.reserve((ratelimit.REGISTER_PER_IP, origin.ip))
    now, key = clock.now(), canonical(username)
    user = User(key, display_username=username, full_name=full_name, primary_email=email.lower(),
                password_hash=passwords.hash_password(password), password_changed_at=now,
                created_at=now, language=translation.current())
    try:
        with transaction() as t:
            t.save(user, condition=User.username.does_not_exist())
            namespace.unclaimed(t, user.username)  # not an organization's name
            t.save(Email(key, email.lower(), address=email, created_at=now))
            record(t, Tag.ACCOUNT_CREATE, origin, user=key)
    except TransactWriteError as exc:  # lost a race for the same username
        raise ValidationError({"username": gettext("This username is already taken. Choose another.")}) from exc
    _send_verification(key, email)
    return key


def _send_verification(username: str, address: str) -> None:
    token = signing.sign(signing.VERIFY_EMAIL, {"user": username, "email": address.lower()})
    link = mail.link("/account/verify-email/", token=token)
    mail.send(address, "verify-email", username=username, link=link)


def resend_verification(username: str, address: str, origin: Origin) -> None:
    item = get_or_none(Email, username, address.lower())
    if item is None:
        raise NotFound(gettext("That email address is not on your account."))
    if item.verified:
        raise ValidationError({"email": gettext("This email address is already verified.")})
    ratelimit.reserve((ratelimit.MAIL_PER_USER, username), (ratelimit.MAIL_PER_IP, origin.ip))
    _send_verification(username, item.address)


def verify_email(token: str, origin: Origin) -> str:
    payload = signing.unsign(signing.VERIFY_EMAIL, token)
    username, address = str(payload.get("user", "")), str(payload.get("email", ""))
    item = get_or_none(Email, username, address)
    if item is None or item.verified:
        raise InvalidLink()
    try:
        with transaction() as t:
            t.save(EmailOwner(address, username=username), condition=EmailOwner.email.does_not_exist())
            t.update(item, actions=[Email.verified.set(True), Email.verified_at.set(clock.now())],
                     condition=Email.verified == False)  # noqa: E712 (a DynamoDB condition)
            record(t, Tag.EMAIL_VERIFY, origin, user=username, detail=address)
    except TransactWriteError as exc:
        raise InvalidLink("This email address has already been verified, "
                          "by this account or another one.") from exc
    return item.address


def add_email(username: str, address: str, origin: Origin) -> None:
    address = address.strip()
    if problem := email_problem(address):
        raise ValidationError({"email": problem})
    existing = list(Email.query(username))
    if len(existing) >= EMAILS_PER_USER:
        raise ValidationError({"email": gettext("An account can have at most %(max)s addresses.", max=EMAILS_PER_USER)})
    ratelimit.reserve((ratelimit.MAIL_PER_USER, username), (ratelimit.MAIL_PER_IP, origin.ip))
    try:
        with transaction() as t:
            record(t, Tag.EMAIL_ADD, origin, user=username, detail=address)
            t.save(Email(username, address.lower(), address=address, created_at=clock.now()),
                   condition=Email.email.does_not_exist())
    except TransactWriteError as exc:
        raise ValidationError({"email": gettext("This address is already on your account.")}) from exc
    _send_verification(username, address)
    known = [other.address for other in existing if other.verified]  # the addresses known to be theirs
    if known:
        user = User.get(username)
        for other in known:
            mails.to_user(user, "email-added", at=other, address=address)
