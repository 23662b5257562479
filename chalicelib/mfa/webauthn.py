"""WebAuthn ceremonies through py_webauthn: options for the browser, responses verified.

The relying-party id and origin come from settings. py_webauthn is imported on demand:
it is large, and only the security-key pages need it.
"""
from __future__ import annotations

import hashlib
import hmac
import json
from typing import Any, NamedTuple

from chalicelib.core import keys
from chalicelib.core.config import get_settings

TIMEOUT_MS = 120_000


class WebAuthnFailure(Exception):
    """A response did not verify: wrong challenge, origin, RP id, signature or flags."""


class ClonedKey(Exception):
    """A validly signed response whose sign count did not grow: the key was copied."""


class NotDiscoverable(WebAuthnFailure):
    """A passkey registration the browser says the authenticator did not keep (credProps)."""


class Credential(NamedTuple):
    credential_id: str  # base64url
    public_key: str  # COSE, base64url
    sign_count: int
    transports: list[str]


def user_handle(username: str) -> bytes:
    """An opaque id for the user, not the name (authenticators may show or store it). Keyed by the
    current secret: security keys never send it back, so a replaced secret changes nothing."""
    return hmac.new(keys.current().key(keys.WEBAUTHN_USER), username.encode(), hashlib.sha256).digest()


def _descriptors(credentials: list[Credential]) -> list[Any]:
    from webauthn.helpers import base64url_to_bytes
    from webauthn.helpers.structs import AuthenticatorTransport, PublicKeyCredentialDescriptor

    known = {t.value for t in AuthenticatorTransport}
    return [PublicKeyCredentialDescriptor(
        id=base64url_to_bytes(c.credential_id),
        transports=[AuthenticatorTransport(t) for t in c.transports if t in known] or None)
        for c in credentials]


def registration_options(username: str, display_name: str, exclude: list[Credential], *,
                         passkey: bool = False) -> tuple[dict[str, Any], bytes]:
    """Options for navigator.credentials.create, and the challenge. A passkey must be discoverable
    and verify the user (a PIN, a fingerprint); a security key needs neither."""
    import webauthn
    from webauthn.helpers.structs import (
        AttestationConveyancePreference,
        AuthenticatorSelectionCriteria,
        ResidentKeyRequirement,
        UserVerificationRequirement,
    )

    settings = get_settings()
    options = webauthn.generate_registration_options(
        rp_id=settings.webauthn_rp_id, rp_name="cheeseshop", user_name=username, user_id=user_handle(username),
        user_display_name=display_name or username, timeout=TIMEOUT_MS,
        attestation=AttestationConveyancePreference.NONE, exclude_credentials=_descriptors(exclude),
        authenticator_selection=AuthenticatorSelectionCriteria(
            resident_key=ResidentKeyRequirement.REQUIRED if passkey else ResidentKeyRequirement.DISCOURAGED,
            user_verification=UserVerificationRequirement.REQUIRED if passkey
            else UserVerificationRequirement.DISCOURAGED))
    public_key = json.loads(webauthn.options_to_json(options))
    if passkey:  # the browser then says whether the authenticator kept it
        public_key["extensions"] = {"credProps": True}
    return public_key, options.challenge


def verify_registration(credential: dict[str, Any], challenge: bytes, *, passkey: bool = False) -> Credential:
    import webauthn
    from webauthn.helpers import bytes_to_base64url
    from webauthn.helpers.exceptions import WebAuthnException

    settings = get_settings()
    try:
        verified = webauthn.verify_registration_response(
            credential=credential, expected_challenge=challenge, expected_rp_id=settings.webauthn_rp_id,
            expected_origin=settings.webauthn_origin, require_user_presence=True,
            require_user_verification=passkey)
    except (WebAuthnException, ValueError, KeyError, TypeError) as exc:
        raise WebAuthnFailure(str(exc)) from exc
    if passkey and _kept(credential) is False:
        raise NotDiscoverable("the authenticator did not keep the credential")
    transports = credential.get("response", {}).get("transports") or []
    return Credential(bytes_to_base64url(verified.credential_id), bytes_to_base64url(verified.credential_public_key),
                      verified.sign_count, [str(t) for t in transports][:8])


def _kept(credential: dict[str, Any]) -> bool | None:
    """What the browser's credProps extension says of a new credential: kept on the
    authenticator (discoverable), not kept, or None when the browser does not say."""
    results = credential.get("clientExtensionResults")
    props = results.get("credProps") if isinstance(results, dict) else None
    kept = props.get("rk") if isinstance(props, dict) else None
    return kept if isinstance(kept, bool) else None


def authentication_options(allow: list[Credential] | None) -> tuple[dict[str, Any], bytes]:
    """Options for navigator.credentials.get: for these credentials (a second step), or with
    allow=None for any passkey of this site, which must then verify the user."""
    import webauthn
    from webauthn.helpers.structs import UserVerificationRequirement

    options = webauthn.generate_authentication_options(
        rp_id=get_settings().webauthn_rp_id, timeout=TIMEOUT_MS, allow_credentials=_descriptors(allow or []),
        user_verification=UserVerificationRequirement.DISCOURAGED if allow is not None
        else UserVerificationRequirement.REQUIRED)
    return json.loads(webauthn.options_to_json(options)), options.challenge


def verify_authentication(credential: dict[str, Any], challenge: bytes, stored: Credential, *,
                          verified_user: bool = False) -> int:
    """The new sign count, once everything (signature, challenge, origin, RP id, user presence,
    and user verification when asked) is right and the count has grown; ClonedKey when only
    the count is wrong."""
    import webauthn
    from webauthn.helpers import base64url_to_bytes
    from webauthn.helpers.exceptions import WebAuthnException

    settings = get_settings()
    try:
        # Verified against a count of 0 so that a stale count is told apart from other failures.
        verified = webauthn.verify_authentication_response(
            credential=credential, expected_challenge=challenge, expected_rp_id=settings.webauthn_rp_id,
            expected_origin=settings.webauthn_origin, credential_public_key=base64url_to_bytes(stored.public_key),
            credential_current_sign_count=0, require_user_verification=verified_user)
    except (WebAuthnException, ValueError, KeyError, TypeError) as exc:
        raise WebAuthnFailure(str(exc)) from exc
    new = verified.new_sign_count
    if (new > 0 or stored.sign_count > 0) and new <= stored.sign_count:
        raise ClonedKey(f"sign count {new} after {stored.sign_count}")
    return int(new)


def credential_id(credential: dict[str, Any]) -> str:
    """The credential id a browser response names, as base64url (empty when there is none)."""
    value = credential.get("rawId") or credential.get("id") or ""
    return str(value).rstrip("=") if isinstance(value, str) and len(value) <= 1400 else ""


def user_handle_sent(credential: dict[str, Any]) -> str:
    """The user handle an assertion carries, as base64url (empty when there is none). The
    signature does not cover it: the caller compares it with the one the credential was made with."""
    value = credential.get("response", {}).get("userHandle") if isinstance(credential.get("response"), dict) else None
    return value.rstrip("=") if isinstance(value, str) and len(value) <= 200 else ""
