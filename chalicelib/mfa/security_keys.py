"""Security keys and passkeys (WebAuthn): enrollment, the second login step, removal.
(Signing in with a passkey alone is in passkeys.py.)"""
from __future__ import annotations

import base64
import secrets
from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any, NamedTuple

from pynamodb.exceptions import DeleteError, TransactWriteError
from pynamodb.transactions import TransactWrite

from chalicelib.accounts import mails, sessions, twofactor
from chalicelib.accounts.confirm import check_password
from chalicelib.accounts.login import finish_login, pending_user
from chalicelib.accounts.models import User
from chalicelib.accounts.twofactor import Factor
from chalicelib.core import clock, ratelimit
from chalicelib.core.db import cancelled, get_or_none, transaction
from chalicelib.core.errors import ChallengeExpired, InvalidCode, NotFound, ValidationError
from chalicelib.core.origin import Origin
from chalicelib.core.translation import N_, gettext
from chalicelib.events.services import record
from chalicelib.events.tags import PASSKEY_METHOD, SECURITY_KEY_METHOD, Tag
from chalicelib.mfa import policy, second_factor, webauthn
from chalicelib.mfa.models import Challenge, WebAuthnKey

LABEL_MAX = 64
CHALLENGE_LIFETIME = timedelta(minutes=5)
AUTHENTICATE = "webauthn-authenticate"


class Kind(NamedTuple):
    """What tells a passkey from a security key when one is added or removed: what the
    ceremony demands (passkey), the challenge's purpose, the events and what the user reads."""

    passkey: bool
    purpose: str
    added: Tag
    removed: Tag
    removed_change: str  # the two-factor-changed mail's variant
    no_name: str
    name_in_use: str
    not_verified: str
    already_registered: str


SECURITY_KEY = Kind(
    False, "webauthn-register", Tag.WEBAUTHN_ADD, Tag.WEBAUTHN_REMOVE, "key-removed",
    N_("Give the key a name, so you can tell your keys apart."),
    N_("You already have a security key with this name."),
    N_("The security key's answer could not be verified. Please try again."),
    N_("This security key is already registered, or the name is in use."))
PASSKEY = Kind(
    True, "passkey-register", Tag.PASSKEY_ADD, Tag.PASSKEY_REMOVE, "passkey-removed",
    N_("Give the passkey a name, so you can tell your passkeys apart."),
    N_("You already have a passkey or a security key with this name."),
    N_("The passkey could not be verified: it must confirm it is you, by a PIN, a fingerprint or a face. "
       "Please try again."),
    N_("This passkey is already registered, or the name is in use."))
NOT_KEPT = N_("This authenticator could not keep a passkey. Use another one, or add it as a security key.")


class KeyInfo(NamedTuple):
    credential_id: str
    label: str
    created_at: datetime | None
    last_used_at: datetime | None
    passkey: bool = False


def stored(key: WebAuthnKey) -> webauthn.Credential:
    return webauthn.Credential(key.credential_id, key.public_key or "", int(key.sign_count or 0),
                               [str(t) for t in key.transports or []])


def _user_keys(username: str) -> list[WebAuthnKey]:
    return list(WebAuthnKey.by_user.query(username))


def remove_all(username: str) -> int:
    """Deletes every security key and passkey of the user, with their name guards (an account
    recovery; the user item's count is cleared in its transaction). Returns how many went."""
    found = _user_keys(username)
    with WebAuthnKey.batch_write() as batch:
        for key in found:
            batch.delete(key)
            batch.delete(WebAuthnKey(_guard_id(username, key.label or "")))
    return len(found)


def keys(username: str) -> list[KeyInfo]:
    return sorted((KeyInfo(k.credential_id, k.label or "", k.created_at, k.last_used_at, bool(k.passkey))
                   for k in _user_keys(username)), key=lambda k: k.label.lower())


def _guard_id(username: str, label: str) -> str:
    return f"label:{username}:{label.strip().lower()}"


def _label_problem(username: str, label: str, kind: Kind) -> str | None:
    label = label.strip()
    if not label:
        return gettext(kind.no_name)
    if len(label) > LABEL_MAX:
        return gettext("The name must be at most %(max)s characters.", max=LABEL_MAX)
    if get_or_none(WebAuthnKey, _guard_id(username, label)) is not None:
        return gettext(kind.name_in_use)
    return None


def new_challenge(username: str, purpose: str, challenge: bytes, *, user_handle: str | None = None,
                  limit: tuple[ratelimit.Limit, str] | None = None) -> str:
    """Stores a challenge; counted against a limit (the user's unless another is named), since
    each one is a stored item."""
    ratelimit.reserve(limit or (ratelimit.CHALLENGES_PER_USER, username))
    challenge_id = secrets.token_urlsafe(24)
    Challenge(challenge_id, username=username, purpose=purpose, challenge=base64.b64encode(challenge).decode(),
              user_handle=user_handle, expires=clock.now() + CHALLENGE_LIFETIME).save()
    return challenge_id


def consume_challenge(challenge_id: str, username: str, purpose: str) -> bytes:
    """The challenge, deleted as it is read: a second use finds nothing."""
    return base64.b64decode(_consume(challenge_id, username, purpose).challenge)


def _consume(challenge_id: str, username: str, purpose: str) -> Challenge:
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
    return item


def begin_registration(username: str, label: str, kind: Kind = SECURITY_KEY) -> dict[str, Any]:
    user = User.get(username)
    twofactor.require_verified_primary(user)
    if problem := _label_problem(username, label, kind):
        raise ValidationError({"label": problem})
    options, challenge = webauthn.registration_options(
        user.display_username, user.full_name, [stored(k) for k in _user_keys(username)], passkey=kind.passkey)
    handle = options["user"]["id"] if kind.passkey else None  # kept with the passkey, to check it
    return {"challengeId": new_challenge(username, kind.purpose, challenge, user_handle=handle),
            "publicKey": options}


def finish_registration(username: str, *, challenge_id: str, label: str, credential: dict[str, Any],
                        origin: Origin, kind: Kind = SECURITY_KEY) -> None:
    label = label.strip()
    if problem := _label_problem(username, label, kind):
        raise ValidationError({"label": problem})
    challenge = _consume(challenge_id, username, kind.purpose)
    try:
        new = webauthn.verify_registration(credential, base64.b64decode(challenge.challenge), passkey=kind.passkey)
    except webauthn.NotDiscoverable as exc:
        raise ValidationError({"label": gettext(NOT_KEPT)}) from exc
    except webauthn.WebAuthnFailure as exc:
        raise ValidationError({"label": gettext(kind.not_verified)}) from exc
    try:
        with transaction() as t:
            t.save(WebAuthnKey(new.credential_id, username=username, label=label, public_key=new.public_key,
                               sign_count=new.sign_count, transports=new.transports, created_at=clock.now(),
                               passkey=kind.passkey or None, user_handle=challenge.user_handle),
                   condition=WebAuthnKey.credential_id.does_not_exist())
            t.save(WebAuthnKey(_guard_id(username, label)), condition=WebAuthnKey.credential_id.does_not_exist())
            t.update(User(username), actions=[User.webauthn_keys.add(1)])
            record(t, kind.added, origin, user=username, detail=label)
    except TransactWriteError as exc:
        raise ValidationError({"label": gettext(kind.already_registered)}) from exc
    user = User.get(username)
    if kind.passkey:
        mails.to_user(user, "passkey-added", label=label, ip=origin.ip)
    else:
        mails.to_user(user, "two-factor-changed", change="key-added", label=label, ip=origin.ip)


def begin_authentication(pending: str | None, *, browser: str) -> dict[str, Any]:
    user = pending_user(pending, browser=browser).user
    options, challenge = webauthn.authentication_options([stored(k) for k in _user_keys(user.username)])
    return {"challengeId": new_challenge(user.username, AUTHENTICATE, challenge), "publicKey": options}


def finish_authentication(pending: str | None, *, challenge_id: str, credential: dict[str, Any], origin: Origin,
                          previous_session: str | None = None, browser: str) -> second_factor.Completed:
    found = pending_user(pending, browser=browser)
    user = found.user
    attempt = second_factor.code_attempt(user.username, origin)
    challenge = consume_challenge(challenge_id, user.username, AUTHENTICATE)
    key = get_or_none(WebAuthnKey, webauthn.credential_id(credential) or "-")
    if key is None or key.username != user.username:
        raise _refused(user, origin)
    try:
        count = webauthn.verify_authentication(credential, challenge, stored(key))
    except webauthn.ClonedKey as exc:
        raise cloned(user, key, origin) from exc
    except webauthn.WebAuthnFailure as exc:
        raise _refused(user, origin) from exc
    try:
        started = finish_login(user, origin, previous_session=previous_session, method=method(key),
                             also=counting_use(key, count, attempt), reauthenticating=found.reauthenticating)
    except TransactWriteError as exc:
        raise _refused(user, origin) from exc
    return second_factor.Completed(started.token, user.username, found.next_path, language=user.language,
                           device=started.device)


def method(key: WebAuthnKey) -> str:
    """How a login by this key is recorded (its login event's detail)."""
    return (PASSKEY_METHOD if key.passkey else SECURITY_KEY_METHOD) + (key.label or "")


def counting_use(key: WebAuthnKey, count: int, attempt: ratelimit.Reservation) -> Callable[[TransactWrite], None]:
    """The login transaction's own writes: the new sign count, on condition that the count is
    still the one verified against (so a response replayed concurrently is refused), and the
    attempt given back."""
    def count_use(t: TransactWrite) -> None:
        t.update(key, actions=[WebAuthnKey.sign_count.set(count), WebAuthnKey.last_used_at.set(clock.now())],
                 condition=WebAuthnKey.sign_count == key.sign_count)
        ratelimit.give_back_in(t, attempt)
    return count_use


def _refused(user: User, origin: Origin) -> InvalidCode:
    second_factor.wrong_code(user.username, origin)
    return InvalidCode(gettext("This security key was not accepted. Use a key registered to your account."))


def cloned(user: User, key: WebAuthnKey, origin: Origin) -> InvalidCode:
    second_factor.wrong_code(user.username, origin)
    record(None, Tag.WEBAUTHN_CLONED, origin, user=user.username, detail=key.label or "")
    mails.to_user(user, "passkey-cloned" if key.passkey else "security-key-cloned", label=key.label, ip=origin.ip)
    if key.passkey:
        return InvalidCode(gettext("This passkey was refused: it looks like a copy of your registered passkey. "
                                   "We have emailed you about it."))
    return InvalidCode(gettext("This security key was refused: it looks like a copy of your registered key. "
                               "We have emailed you about it."))


def remove_key(username: str, *, credential_id: str, password: str, origin: Origin,
               current_session: str | None) -> bool:
    """Needs the password; refused for the last factor of a maintainer. Every other session of the
    account ends. True for a passkey."""
    user = User.get(username)
    key = get_or_none(WebAuthnKey, credential_id) if credential_id else None
    if key is None or key.username != username:
        raise NotFound(gettext("That security key is not on your account."))
    field = f"password-{credential_id}"
    check_password(user, password, origin, field=field)
    policy.check_removal(user, Factor.SECURITY_KEY, field=field)
    kind = PASSKEY if key.passkey else SECURITY_KEY
    with transaction() as t:
        t.delete(key)
        t.delete(WebAuthnKey(_guard_id(username, key.label or "")))
        t.update(user, actions=policy.removal_actions(user, Factor.SECURITY_KEY), condition=User.webauthn_keys > 0)
        record(t, kind.removed, origin, user=username, detail=key.label or "")
    sessions.end_all(username, but=current_session)
    mails.to_user(user, "two-factor-changed", change=kind.removed_change, label=key.label, ip=origin.ip)
    return kind.passkey
