"""WebAuthn verification against a software key: every way an answer can be wrong."""
from __future__ import annotations

import pytest

from chalicelib.mfa import webauthn
from tests.softkey import SoftKey, b64url


@pytest.fixture
def localhost(settings_env, monkeypatch):
    monkeypatch.setenv("CHEESESHOP_BASE_URL", "http://127.0.0.1:8000")  # as `make run` serves it


def register(key: SoftKey, **wrong) -> tuple[webauthn.Credential, dict]:
    options, challenge = webauthn.registration_options("alice", "Alice", [])
    return webauthn.verify_registration(key.register(options, **wrong), challenge), options


def test_options_name_the_relying_party_without_attestation_or_username_as_id(localhost):
    existing = webauthn.Credential(b64url(b"old-key-id"), "", 0, ["usb", "bogus"])
    options, challenge = webauthn.registration_options("alice", "Alice", [existing])
    assert options["rp"] == {"id": "localhost", "name": "cheeseshop"}
    assert options["attestation"] == "none"
    assert options["challenge"] == b64url(challenge) and len(challenge) >= 16
    assert options["user"]["name"] == "alice" and "alice" not in options["user"]["id"]
    assert options["excludeCredentials"] == [{"id": b64url(b"old-key-id"), "type": "public-key",
                                              "transports": ["usb"]}]


def test_registration_returns_the_credential(localhost):
    key = SoftKey()
    stored, _ = register(key)
    assert stored.credential_id == b64url(key.credential_id)
    assert stored.sign_count == 0 and stored.transports == ["usb"]


@pytest.mark.parametrize("wrong", [
    {"challenge": b64url(b"another challenge")},
    {"origin": "http://evil.example:8000"},
    {"rp_id": "evil.example"},
    {"user_present": False},
    {"kind": "webauthn.get"},
])
def test_registration_failures(localhost, wrong):
    with pytest.raises(webauthn.WebAuthnFailure):
        register(SoftKey(), **wrong)


def authenticate(key: SoftKey, stored: webauthn.Credential, **wrong) -> int:
    options, challenge = webauthn.authentication_options([stored])
    return webauthn.verify_authentication(key.sign(options, **wrong), challenge, stored)


def test_authentication_returns_the_growing_count(localhost):
    key = SoftKey()
    stored, _ = register(key)
    assert authenticate(key, stored) == 1
    assert authenticate(key, webauthn.Credential(stored.credential_id, stored.public_key, 1, [])) == 2


def test_keys_without_a_counter_keep_working(localhost):
    key = SoftKey()
    stored, _ = register(key)
    assert authenticate(key, stored, count=0) == 0


@pytest.mark.parametrize("wrong", [
    {"challenge": b64url(b"another challenge")},
    {"origin": "http://127.0.0.1:8000"},  # an IP address is not the relying party's origin
    {"rp_id": "evil.example"},
    {"user_present": False},
])
def test_authentication_failures(localhost, wrong):
    key = SoftKey()
    stored, _ = register(key)
    with pytest.raises(webauthn.WebAuthnFailure):
        authenticate(key, stored, **wrong)


def test_a_signature_from_another_key_fails(localhost):
    key = SoftKey()
    stored, _ = register(key)
    with pytest.raises(webauthn.WebAuthnFailure):
        authenticate(key, stored, signer=SoftKey())


def test_a_count_that_does_not_grow_is_a_cloned_key(localhost):
    key = SoftKey()
    stored, _ = register(key)
    after_use = webauthn.Credential(stored.credential_id, stored.public_key, 5, [])
    for count in (5, 3):
        with pytest.raises(webauthn.ClonedKey):
            authenticate(key, after_use, count=count)


def test_credential_id_is_read_from_the_answer():
    assert webauthn.credential_id({"rawId": "abc_-"}) == "abc_-"
    assert webauthn.credential_id({"id": "xyz"}) == "xyz"
    assert webauthn.credential_id({"rawId": 12}) == ""
    assert webauthn.credential_id({}) == ""
