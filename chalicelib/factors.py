"""Managing second factors: enrolling an authenticator app, removing it, recovery codes."""
from __future__ import annotations

from dataclasses import dataclass

from pynamodb.exceptions import UpdateError
from pynamodb.expressions.update import Action

from chalicelib import clock, crypto, events, mail, passwords, recovery, signing, totp, two_factor
from chalicelib.config import get_settings
from chalicelib.errors import AlreadyEnrolled, EmailNotVerified, InvalidLink, ValidationError
from chalicelib.events import Origin, Tag
from chalicelib.models import Email, User


@dataclass(frozen=True)
class Provisioning:
    secret: str
    uri: str
    qr_data_uri: str
    token: str  # carries the unconfirmed secret to the confirming POST, signed


def require_verified_primary(user: User) -> None:
    primary = Email.get(user.username, user.primary_email)
    if not primary.verified:
        raise EmailNotVerified()


def provisioning(username: str, token: str | None = None) -> Provisioning:
    """A new secret to enroll, or the one a still-good token carries (a retried code)."""
    user = User.get(username)
    require_verified_primary(user)
    if two_factor.has_two_factor(user):
        raise AlreadyEnrolled()
    secret = _secret_from(token, username) if token else totp.new_secret()
    uri = totp.provisioning_uri(secret, user.display_username, get_settings().totp_issuer)
    token = signing.sign(signing.TOTP_PROVISION, {"user": username, "secret": secret})
    return Provisioning(secret, uri, totp.qr_svg_data_uri(uri), token)


def _secret_from(token: str, username: str) -> str:
    payload = signing.unsign(signing.TOTP_PROVISION, token)
    if payload.get("user") != username or not isinstance(payload.get("secret"), str):
        raise InvalidLink("This setup has expired. Scan the new QR code.")
    return str(payload["secret"])


def enroll_totp(username: str, *, token: str, code: str, origin: Origin) -> bool:
    """Saves the secret once a right code proves the app has it. True if recovery codes exist."""
    secret = _secret_from(token, username)
    two_factor.check_limits(username, origin)
    step = totp.matching_step(secret, code, now=clock.now().timestamp(), after_step=-1)
    if step is None:
        raise two_factor.wrong_code(username, origin)
    sealed = crypto.seal(secret, purpose=two_factor.TOTP_PURPOSE, owner=username)
    user = User.get(username)
    try:
        user.update(actions=[User.totp_secret.set(sealed), User.totp_last_step.set(step),
                             User.totp_added_at.set(clock.now())],
                    condition=User.totp_secret.does_not_exist())
    except UpdateError as exc:
        raise AlreadyEnrolled() from exc
    events.record_event(username, Tag.TOTP_ADD, origin)
    mail.send(user.primary_email, "two-factor-changed", username=user.display_username,
              change="An authenticator app was added to", ip=origin.ip)
    return bool(user.recovery_codes)


def remove_totp(username: str, *, password: str, code: str, origin: Origin) -> None:
    """Needs the password and a current code; refused for the last factor of a maintainer."""
    user = User.get(username)
    errors = {}
    if not passwords.verify(user.password_hash, password):
        errors["remove_password"] = "Your password is not correct."
    two_factor.check_limits(username, origin)
    last = int(user.totp_last_step) if user.totp_last_step is not None else -1
    if user.totp_secret is None or totp.matching_step(
            two_factor.totp_secret(user), code, now=clock.now().timestamp(), after_step=last) is None:
        two_factor.wrong_code(username, origin)
        errors["remove_code"] = "The code is not valid. Check it and try again."
    if errors:
        raise ValidationError(errors)
    if not user.webauthn_keys and two_factor.maintains_projects(username):  # the app is the last factor
        raise ValidationError({"remove_code": "You maintain projects, which require two-factor "
                                              "authentication: add another factor before removing this one."})
    actions: list[Action] = [User.totp_secret.remove(), User.totp_last_step.remove(), User.totp_added_at.remove()]
    if not user.webauthn_keys:  # no factor left: recovery codes would stand in for nothing
        actions += [User.recovery_codes.remove(), User.recovery_generated_at.remove()]
    user.update(actions=actions)
    events.record_event(username, Tag.TOTP_REMOVE, origin)
    mail.send(user.primary_email, "two-factor-changed", username=user.display_username,
              change="The authenticator app was removed from", ip=origin.ip)


def generate_recovery_codes(username: str, origin: Origin) -> list[str]:
    """New codes, shown once; the old ones stop working."""
    user = User.get(username)
    if not two_factor.has_two_factor(user):
        raise ValidationError({"recovery": "Add a second factor before generating recovery codes."})
    codes, hashes = recovery.generate()
    user.update(actions=[User.recovery_codes.set(hashes), User.recovery_generated_at.set(clock.now())])
    events.record_event(username, Tag.RECOVERY_CODES_GENERATE, origin)
    mail.send(user.primary_email, "recovery-codes-generated", username=user.display_username, ip=origin.ip)
    return codes
