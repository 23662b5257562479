"""The key ring: per-purpose keys by HKDF, key ids, and values that outlive a replaced secret."""
from __future__ import annotations

import hashlib
import hmac

import pytest
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

from chalicelib.accounts import sessions
from chalicelib.core import crypto, keys, signing
from chalicelib.core.errors import CsrfFailure, InvalidLink

OLD, NEW = "the-secret-of-last-year", "the-secret-of-this-year"


def rotate(monkeypatch: pytest.MonkeyPatch, current: str, *retired: str) -> None:
    monkeypatch.setenv("CHEESESHOP_SECRET_KEY", current)
    monkeypatch.setenv("CHEESESHOP_RETIRED_SECRET_KEYS", " ".join(retired))


def test_hkdf_is_rfc_5869():
    reference = HKDF(algorithm=hashes.SHA256(), length=32, salt=keys.SALT, info=b"csrf")
    assert keys.hkdf(b"some secret", "csrf") == reference.derive(b"some secret")


def test_each_purpose_has_its_own_key_and_no_key_is_the_secret(settings_env):
    secret = keys.current()
    derived = {purpose: secret.key(purpose) for purpose in (
        keys.LINKS, keys.CSRF, keys.TOTP_SECRET, keys.RECOVERY_CODE, keys.API_TOKEN, keys.WEBAUTHN_USER)}
    assert len(set(derived.values())) == len(derived)
    assert secret.value not in derived.values()


def test_key_ids_name_secrets_without_telling_them(settings_env, monkeypatch):
    rotate(monkeypatch, OLD)
    old_id = keys.current().id
    rotate(monkeypatch, NEW, OLD)
    assert keys.current().id != old_id and [s.id for s in keys.ring()] == [keys.current().id, old_id]
    assert keys.by_id(old_id).value == OLD.encode() and keys.by_id("0" * 12) is None
    assert OLD not in old_id and len(old_id) == 12


def test_values_made_with_a_retired_secret_are_read_until_it_is_dropped(settings_env, monkeypatch):
    rotate(monkeypatch, OLD)
    sealed = crypto.seal("JBSWY3DPEHPK3PXP", purpose=keys.TOTP_SECRET, owner="alice")
    hashed = crypto.keyed_hash("token-secret", purpose=keys.API_TOKEN)
    link = signing.sign(signing.PASSWORD_RESET, {"user": "alice"})
    csrf = sessions.csrf_token("browser-1")
    assert crypto.is_current(sealed) and crypto.is_current(hashed)

    rotate(monkeypatch, NEW, OLD)
    assert crypto.unseal(sealed, purpose=keys.TOTP_SECRET, owner="alice") == "JBSWY3DPEHPK3PXP"
    assert crypto.matches("token-secret", hashed, purpose=keys.API_TOKEN)
    assert not crypto.matches("another-secret", hashed, purpose=keys.API_TOKEN)
    assert signing.unsign(signing.PASSWORD_RESET, link) == {"user": "alice"}
    sessions.check_csrf("browser-1", csrf)
    assert not crypto.is_current(sealed) and not crypto.is_current(hashed)
    assert crypto.is_current(crypto.keyed_hash("token-secret", purpose=keys.API_TOKEN))
    assert signing.unsign(signing.PASSWORD_RESET, signing.sign(signing.PASSWORD_RESET, {"u": 1})) == {"u": 1}

    rotate(monkeypatch, NEW)
    with pytest.raises(crypto.SealBroken):
        crypto.unseal(sealed, purpose=keys.TOTP_SECRET, owner="alice")
    assert not crypto.matches("token-secret", hashed, purpose=keys.API_TOKEN)
    with pytest.raises(InvalidLink):
        signing.unsign(signing.PASSWORD_RESET, link)
    with pytest.raises(CsrfFailure):
        sessions.check_csrf("browser-1", csrf)


def test_values_from_before_key_ids_are_still_read(settings_env, monkeypatch):
    """Stored before secrets had ids: an HMAC of the secret per purpose, no id in the value."""
    rotate(monkeypatch, OLD)
    legacy_key = hmac.new(OLD.encode(), b"cheeseshop-key:" + keys.RECOVERY_CODE.encode(), hashlib.sha256).digest()
    legacy = hmac.new(legacy_key, b"0123456789abcdef", hashlib.sha256).hexdigest()
    assert crypto.matches("0123456789abcdef", legacy, purpose=keys.RECOVERY_CODE)
    assert not crypto.is_current(legacy)
    rotate(monkeypatch, NEW, OLD)
    assert crypto.matches("0123456789abcdef", legacy, purpose=keys.RECOVERY_CODE)
    rotate(monkeypatch, NEW)
    assert not crypto.matches("0123456789abcdef", legacy, purpose=keys.RECOVERY_CODE)
