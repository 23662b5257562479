"""Managing the authenticator app (enroll, remove) and recovery codes."""
from __future__ import annotations

from typing import NamedTuple

from pynamodb.exceptions import TransactWriteError

from chalicelib.accounts import mails, sessions, twofactor
from chalicelib.accounts.confirm import is_wrong_password
from chalicelib.accounts.models import User
from chalicelib.accounts.twofactor import Factor
from chalicelib.core import clock, ratelimit, signing
from chalicelib.core.config import get_settings
from chalicelib.core.db import transaction
from chalicelib.core.errors import AlreadyEnrolled, InvalidCode, InvalidLink, ValidationError
from chalicelib.core.origin import Origin
from chalicelib.core.translation import gettext
from chalicelib.events.services import record
from chalicelib.events.tags import Tag
from chalicelib.mfa import policy, recovery, second_factor, totp


class Provisioning(NamedTuple):
    secret: str
    uri: str
    qr_data_uri: str
    token: str  # carries the unconfirmed secret to the confirming POST, signed


def provisioning(username: str, token: str | None = None) -> Provisioning:
    """A new secret to enroll, or the one a still-good token carries (a retried code)."""
    user = User.get(username)
    twofactor.require_verified_primary(user)
    if twofactor.factors(user).totp:
        raise AlreadyEnrolled()
    secret = _secret_from(token, username) if token else totp.new_secret()
    uri = totp.provisioning_uri(secret, user.display_username, get_settings().totp_issuer)
    token = signing.sign(signing.TOTP_PROVISION, {"user": username, "secret": secret})
    return Provisioning(secret, uri, totp.qr_svg_data_uri(uri), token)


def _secret_from(token: str, username: str) -> str:
    payload = signing.unsign(signing.TOTP_PROVISION, token)
    if payload.get("user") != username or not isinstance(payload.get("secret"), str):
        raise InvalidLink(gettext("This setup has expired. Scan the new QR code."))
    return str(payload["secret"])


def enroll_totp(username: str, *, token: str, code: str, origin: Origin) -> bool:
    """Saves the secret once a right code proves the app has it. True if recovery codes exist."""
    secret = _secret_from(token, username)
    attempt = second_factor.code_attempt(username, origin)
    step = totp.matching_step(secret, code, now=clock.now().timestamp(), after_step=-1)
    if step is None:
        raise second_factor.wrong_code(username, origin)
    ratelimit.give_back(attempt)
    sealed = second_factor.sealed_totp_secret(secret, username)
    user = User.get(username)
    try:
        with transaction() as t:
            record(t, Tag.TOTP_ADD, origin, user=username)
            t.update(user, actions=[User.totp_secret.set(sealed), User.totp_last_step.set(step),
                                    User.totp_added_at.set(clock.now())],
                     condition=User.totp_secret.does_not_exist())
    except TransactWriteError as exc:
        raise AlreadyEnrolled() from exc
    mails.to_user(user, "two-factor-changed", change="totp-added", ip=origin.ip)
    return bool(user.recovery_codes)


def remove_totp(username: str, *, password: str, code: str, origin: Origin, current_session: str | None) -> None:
    """Needs the password and a current code; refused for the last factor of a maintainer. Every
    other session of the account ends."""
    user = User.get(username)
    errors = {}
    if is_wrong_password(user, password, origin):
        errors["remove_password"] = gettext("Your password is not correct.")
    attempt = second_factor.code_attempt(username, origin)
    if second_factor.current_totp_step(user, code) is None:
        second_factor.wrong_code(username, origin)
        errors["remove_code"] = InvalidCode().message  # in the reader's language
    else:
        ratelimit.give_back(attempt)
    if errors:
        raise ValidationError(errors)
    policy.check_removal(user, Factor.TOTP, field="remove_code")
    with transaction() as t:
        record(t, Tag.TOTP_REMOVE, origin, user=username)
        t.update(user, actions=policy.removal_actions(user, Factor.TOTP))
    sessions.end_all(username, but=current_session)
    mails.to_user(user, "two-factor-changed", change="totp-removed", ip=origin.ip)


def generate_recovery_codes(username: str, origin: Origin) -> list[str]:
    """New codes, shown once; the old ones stop working."""
    user = User.get(username)
    if not twofactor.has_two_factor(user):
        raise ValidationError({"recovery": gettext("Add a second factor before generating recovery codes.")})
    codes, hashes = recovery.generate()
    with transaction() as t:
        record(t, Tag.RECOVERY_CODES_GENERATE, origin, user=username)
        t.update(user, actions=[User.recovery_codes.set(hashes), User.recovery_generated_at.set(clock.now())])
    mails.to_user(user, "recovery-codes-generated", ip=origin.ip)
    return codes
