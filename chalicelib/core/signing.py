"""Signed, expiring tokens: links for email verification and password reset, and the
short-lived states between a right password and a second factor.

A link is bound to the state it changes (an unverified address; the password-change
and last-login times), so it dies once used, or once the user logs in or changes the
password, without any table of issued links.
"""
from __future__ import annotations

from typing import TYPE_CHECKING, Any

from chalicelib.core import keys
from chalicelib.core.errors import InvalidLink

if TYPE_CHECKING:
    from itsdangerous import URLSafeTimedSerializer

VERIFY_EMAIL = "email-verify"
PASSWORD_RESET = "password-reset"
TWO_FACTOR_LOGIN = "two-factor-login"  # a right password, waiting for the second factor
TOTP_PROVISION = "totp-provision"  # a secret shown for enrollment, not yet confirmed
ROLE_INVITATION = "role-invitation"  # an Owner's invitation to a project role
KNOWN_DEVICE = "known-device"  # a browser that completed a login: strangers' failures do not lock it out
RECOVERY_CANCEL = "recovery-cancel"  # "this was not me": any verified address of the account stops a recovery
RECOVERY_COMPLETE = "recovery-complete"  # the recovered user's link, good once the wait has passed
NEW_DEVICE_LOGIN = "new-device-login"  # a code login from an unseen browser, held until its mailed link
ORGANIZATION_INVITATION = "organization-invitation"  # an invitation to join an organization
MAX_AGE = {VERIFY_EMAIL: 24 * 3600, PASSWORD_RESET: 3600, TWO_FACTOR_LOGIN: 300, TOTP_PROVISION: 900,
           ROLE_INVITATION: 3 * 24 * 3600, ORGANIZATION_INVITATION: 7 * 24 * 3600, KNOWN_DEVICE: 365 * 24 * 3600,
           RECOVERY_CANCEL: 60 * 24 * 3600, RECOVERY_COMPLETE: 60 * 24 * 3600,  # a recovery's own state decides too
           NEW_DEVICE_LOGIN: 900}  # (the setting CHEESESHOP_NEW_DEVICE_LINK_SECONDS decides that one)


def _serializer(purpose: str) -> URLSafeTimedSerializer:
    from itsdangerous import URLSafeTimedSerializer  # loaded by the first link or login step, not at start

    # itsdangerous signs with the last key and accepts any: the current secret's, then retired ones'
    ring = [secret.key(keys.LINKS) for secret in reversed(keys.ring())]
    return URLSafeTimedSerializer(ring, salt=f"cheeseshop.{purpose}")


def sign(purpose: str, payload: dict[str, Any]) -> str:
    return str(_serializer(purpose).dumps(payload))


def unsign(purpose: str, token: str, max_age: int | None = None) -> dict[str, Any]:
    """The payload of a link made for this purpose, younger than max_age seconds (by default the
    purpose's MAX_AGE); InvalidLink otherwise."""
    from itsdangerous import BadData

    try:
        payload = _serializer(purpose).loads(token, max_age=MAX_AGE[purpose] if max_age is None else max_age)
    except BadData as exc:
        raise InvalidLink() from exc
    if not isinstance(payload, dict):
        raise InvalidLink()
    return payload
