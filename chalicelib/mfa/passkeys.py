"""Signing in with a passkey alone: no username, no password. A passkey is both factors at
once (a credential only the user's device holds, which verified the user by a PIN, a
fingerprint or a face), so a verified assertion ends in finish_login like any other login.

The credential is found by its id; the user handle the assertion carries is not covered by
its signature, so it is compared with the one the passkey was made with (WebAuthn L3 §7.2,
step 6, which py_webauthn leaves to the caller). Every attempt counts against the browser's
address before it is judged; a right one gives its count back.
"""
from __future__ import annotations

import hmac
from typing import Any

from pynamodb.exceptions import TransactWriteError

from chalicelib.accounts import mails
from chalicelib.accounts.login import finish_login, require_standing
from chalicelib.accounts.models import User
from chalicelib.core import ratelimit
from chalicelib.core.db import get_or_none
from chalicelib.core.errors import InvalidCode
from chalicelib.core.origin import Origin
from chalicelib.core.translation import N_, gettext
from chalicelib.events.services import record
from chalicelib.events.tags import Tag
from chalicelib.mfa import second_factor, security_keys, webauthn
from chalicelib.mfa.models import WebAuthnKey

SIGN_IN = "passkey-sign-in"
ANYONE = "*"  # a sign-in challenge belongs to no user until a passkey answers it (no username has "*")
REFUSED = N_("This passkey was not accepted. Use a passkey saved for this site, or log in with your password.")


def begin_sign_in(origin: Origin) -> dict[str, Any]:
    """Options for any passkey of this site (the browser offers the user's own)."""
    options, challenge = webauthn.authentication_options(None)
    challenge_id = security_keys.new_challenge(ANYONE, SIGN_IN, challenge,
                                               limit=(ratelimit.PASSKEY_CHALLENGES_PER_IP, origin.ip))
    return {"challengeId": challenge_id, "publicKey": options}


def finish_sign_in(*, challenge_id: str, credential: dict[str, Any], origin: Origin, next_path: str,
                   previous_session: str | None = None) -> second_factor.Completed:
    attempt = ratelimit.reserve((ratelimit.PASSKEY_PER_IP, origin.ip))
    challenge = security_keys.consume_challenge(challenge_id, ANYONE, SIGN_IN)
    key = get_or_none(WebAuthnKey, webauthn.credential_id(credential) or "-")
    user = get_or_none(User, key.username) if key is not None and key.passkey and key.username else None
    if key is None or user is None or not key.user_handle:
        raise InvalidCode(gettext(REFUSED))
    if not hmac.compare_digest(webauthn.user_handle_sent(credential), key.user_handle):
        raise _refused(user, key, origin)
    try:
        count = webauthn.verify_authentication(credential, challenge, security_keys.stored(key), verified_user=True)
    except webauthn.ClonedKey as exc:
        raise security_keys.cloned(user, key, origin) from exc
    except webauthn.WebAuthnFailure as exc:
        raise _refused(user, key, origin) from exc
    require_standing(user)  # told only to whoever holds the passkey
    try:
        started = finish_login(user, origin, previous_session=previous_session, method=security_keys.method(key),
                             also=security_keys.counting_use(key, count, attempt))
    except TransactWriteError as exc:  # replayed concurrently, or suspended meanwhile
        raise _refused(user, key, origin) from exc
    mails.to_user(user, "passkey-sign-in", label=key.label, ip=origin.ip)
    return second_factor.Completed(started.token, user.username, next_path, language=user.language,
                           device=started.device)


def _refused(user: User, key: WebAuthnKey, origin: Origin) -> InvalidCode:
    record(None, Tag.LOGIN_FAILURE, origin, user=user.username, detail=security_keys.method(key))
    return InvalidCode(gettext(REFUSED))
