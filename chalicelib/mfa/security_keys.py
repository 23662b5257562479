"""Security keys (WebAuthn): enrollment, the login step, removal."""
from __future__ import annotations

import base64
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from pynamodb.exceptions import DeleteError, TransactWriteError
from pynamodb.transactions import TransactWrite

from chalicelib.accounts import ratelimit
from chalicelib.accounts.confirm import check_password
from chalicelib.accounts.login import finish_login, pending_user
from chalicelib.accounts.models import User
from chalicelib.core import clock, mail
from chalicelib.core.db import cancelled, get_or_none, transaction
from chalicelib.core.errors import ChallengeExpired, InvalidCode, NotFound, ValidationError
from chalicelib.core.translation import gettext
from chalicelib.events.services import Origin, build, record_event
from chalicelib.events.tags import SECURITY_KEY_METHOD, Tag
from chalicelib.mfa import login, policy, webauthn
from chalicelib.mfa.models import Challenge, WebAuthnKey
from chalicelib.mfa.policy import Factor

LABEL_MAX = 64
CHALLENGE_LIFETIME = timedelta(minutes=5)
REGISTER, AUTHENTICATE = "webauthn-register", "webauthn-authenticate"


@dataclass(frozen=True)
class KeyInfo:
    credential_id: str
    label: str
    created_at: datetime | None
    last_used_at: datetime | None


def _stored(key: WebAuthnKey) -> webauthn.Credential:
    return webauthn.Credential(key.credential_id, key.public_key or "", int(key.sign_count or 0),
                               [str(t) for t in key.transports or []])


def _user_keys(username: str) -> list[WebAuthnKey]:
    return list(WebAuthnKey.by_user.query(username))


def keys(username: str) -> list[KeyInfo]:
    return sorted((KeyInfo(k.credential_id, k.label or "", k.created_at, k.last_used_at)
                   for k in _user_keys(username)), key=lambda k: k.label.lower())


def _guard_id(username: str, label: str) -> str:
    return f"label:{username}:{label.strip().lower()}"


def _label_problem(username: str, label: str) -> str | None:
    label = label.strip()
    if not label:
        return gettext("Give the key a name, so you can tell your keys apart.")
    if len(label) > LABEL_MAX:
        return gettext("The name must be at most %(max)s characters.", max=LABEL_MAX)
    if get_or_none(WebAuthnKey, _guard_id(username, label)) is not None:
        return gettext("You already have a security key with this name.")
    return None


def _new_challenge(username: str, purpose: str, challenge: bytes) -> str:
    ratelimit.reserve((ratelimit.CHALLENGES_PER_USER, username))  # each one is a stored item
    challenge_id = secrets.token_urlsafe(24)
    Challenge(challenge_id, username=username, purpose=purpose, challenge=base64.b64encode(challenge).decode(),
              expires=clock.now() + CHALLENGE_LIFETIME).save()
    return challenge_id


def _consume_challenge(challenge_id: str, username: str, purpose: str) -> bytes:
    """The challenge, deleted as it is read: a second use finds nothing."""
    item = get_or_none(Challenge, challenge_id) if challenge_id and len(challenge_id) < 100 else None
    if item is None or item.username != username or item.purpose != purpose:
        raise ChallengeExpired()
    try:
        item.delete(condition=Challenge.id.exists())
    except DeleteError as exc:
        if not cancelled(exc):  # the store failed: a 503, not an expired challenge
            raise
        raise ChallengeExpired() from exc  # lost a race: another request used it first
    if item.expires <= clock.now():
        raise ChallengeExpired()
    return base64.b64decode(item.challenge)


def begin_registration(username: str, label: str) -> dict[str, Any]:
    user = User.get(username)
    policy.require_verified_primary(user)
    if problem := _label_problem(username, label):
        raise ValidationError({"label": problem})
    options, challenge = webauthn.registration_options(
        user.display_username, user.full_name, [_stored(k) for k in _user_keys(username)])
    return {"challengeId": _new_challenge(username, REGISTER, challenge), "publicKey": options}


def finish_registration(username: str, *, challenge_id: str, label: str, credential: dict[str, Any],
                        origin: Origin) -> None:
    label = label.strip()
    if problem := _label_problem(username, label):
        raise ValidationError({"label": problem})
    challenge = _consume_challenge(challenge_id, username, REGISTER)
    try:
        new = webauthn.verify_registration(credential, challenge)
    except webauthn.WebAuthnFailure as exc:
        raise ValidationError({"label": gettext(
            "The security key's answer could not be verified. Please try again.")}) from exc
    now = clock.now()
    try:
        with transaction() as t:
            t.save(WebAuthnKey(new.credential_id, username=username, label=label, public_key=new.public_key,
                               sign_count=new.sign_count, transports=new.transports, created_at=now),
                   condition=WebAuthnKey.credential_id.does_not_exist())
            t.save(WebAuthnKey(_guard_id(username, label)), condition=WebAuthnKey.credential_id.does_not_exist())
            t.update(User(username), actions=[User.webauthn_keys.add(1)])
            t.save(build(username, Tag.WEBAUTHN_ADD, origin, detail=label))
    except TransactWriteError as exc:
        raise ValidationError({"label": gettext(
            "This security key is already registered, or the name is in use.")}) from exc
    user = User.get(username)
    mail.send(user.primary_email, "two-factor-changed", language=user.language, username=user.display_username,
              change="key-added", label=label, ip=origin.ip)


def begin_authentication(pending: str | None, *, browser: str) -> dict[str, Any]:
    user = pending_user(pending, browser=browser).user
    options, challenge = webauthn.authentication_options([_stored(k) for k in _user_keys(user.username)])
    return {"challengeId": _new_challenge(user.username, AUTHENTICATE, challenge), "publicKey": options}


def finish_authentication(pending: str | None, *, challenge_id: str, credential: dict[str, Any], origin: Origin,
                          previous_session: str | None = None, browser: str) -> login.Completed:
    found = pending_user(pending, browser=browser)
    user = found.user
    attempt = login.code_attempt(user.username, origin)
    challenge = _consume_challenge(challenge_id, user.username, AUTHENTICATE)
    key = get_or_none(WebAuthnKey, webauthn.credential_id(credential) or "-")
    if key is None or key.username != user.username:
        raise _refused(user, origin)
    try:
        count = webauthn.verify_authentication(credential, challenge, _stored(key))
    except webauthn.ClonedKey as exc:
        raise _cloned(user, key, origin) from exc
    except webauthn.WebAuthnFailure as exc:
        raise _refused(user, origin) from exc

    def count_use(t: TransactWrite) -> None:  # the count condition also refuses a response replayed concurrently
        t.update(key, actions=[WebAuthnKey.sign_count.set(count), WebAuthnKey.last_used_at.set(clock.now())],
                 condition=WebAuthnKey.sign_count == key.sign_count)
        ratelimit.release_in(t, attempt)
    try:
        token = finish_login(user, origin, previous_session=previous_session,
                             method=SECURITY_KEY_METHOD + (key.label or ""), also=count_use,
                             reauthenticating=found.reauthenticating)
    except TransactWriteError as exc:
        raise _refused(user, origin) from exc
    return login.Completed(token, user.username, found.next_path, language=user.language)


def _refused(user: User, origin: Origin) -> InvalidCode:
    login.wrong_code(user.username, origin)
    return InvalidCode(gettext("This security key was not accepted. Use a key registered to your account."))


def _cloned(user: User, key: WebAuthnKey, origin: Origin) -> InvalidCode:
    login.wrong_code(user.username, origin)
    record_event(user.username, Tag.WEBAUTHN_CLONED, origin, detail=key.label or "")
    mail.send(user.primary_email, "security-key-cloned", language=user.language,
              username=user.display_username, label=key.label, ip=origin.ip)
    return InvalidCode(gettext("This security key was refused: it looks like a copy of your registered key. "
                               "We have emailed you about it."))


def remove_key(username: str, *, credential_id: str, password: str, origin: Origin) -> None:
    """Needs the password; refused for the last factor of a maintainer."""
    user = User.get(username)
    key = get_or_none(WebAuthnKey, credential_id) if credential_id else None
    if key is None or key.username != username:
        raise NotFound(gettext("That security key is not on your account."))
    field = f"password-{credential_id}"
    check_password(user, password, origin, field=field)
    policy.check_removal(user, Factor.SECURITY_KEY, field=field)
    with transaction() as t:
        t.delete(key)
        t.delete(WebAuthnKey(_guard_id(username, key.label or "")))
        t.update(user, actions=policy.removal_actions(user, Factor.SECURITY_KEY), condition=User.webauthn_keys > 0)
        t.save(build(username, Tag.WEBAUTHN_REMOVE, origin, detail=key.label or ""))
    mail.send(user.primary_email, "two-factor-changed", language=user.language, username=user.display_username,
              change="key-removed", label=key.label, ip=origin.ip)
