from __future__ import annotations

import base64
import json

import pytest
from freezegun import freeze_time

from chalicelib.core import signing
from chalicelib.core.errors import InvalidLink


def test_round_trip(settings_env):
    token = signing.sign(signing.PASSWORD_RESET, {"user": "alice"})
    assert signing.unsign(signing.PASSWORD_RESET, token) == {"user": "alice"}


def test_a_token_for_one_purpose_does_not_serve_another(settings_env):
    token = signing.sign(signing.VERIFY_EMAIL, {"user": "alice"})
    with pytest.raises(InvalidLink):
        signing.unsign(signing.PASSWORD_RESET, token)


def test_tampered_and_foreign_keys_are_refused(settings_env, monkeypatch):
    token = signing.sign(signing.PASSWORD_RESET, {"user": "alice"})
    payload, timestamp, signature = token.split(".")
    forged = base64.urlsafe_b64encode(json.dumps({"user": "admin"}).encode()).decode().rstrip("=")
    assert forged != payload
    with pytest.raises(InvalidLink):
        signing.unsign(signing.PASSWORD_RESET, f"{forged}.{timestamp}.{signature}")
    monkeypatch.setenv("CHEESESHOP_SECRET_KEY", "another-key")
    with pytest.raises(InvalidLink):
        signing.unsign(signing.PASSWORD_RESET, token)


def test_expiry(settings_env):
    with freeze_time("2026-05-01 10:00:00") as frozen:
        token = signing.sign(signing.PASSWORD_RESET, {"user": "alice"})
        frozen.tick(signing.MAX_AGE[signing.PASSWORD_RESET] - 5)
        signing.unsign(signing.PASSWORD_RESET, token)
        frozen.tick(10)
        with pytest.raises(InvalidLink):
            signing.unsign(signing.PASSWORD_RESET, token)


def test_non_dict_payload_is_refused(settings_env):
    token = signing._serializer(signing.PASSWORD_RESET).dumps(["alice"])
    with pytest.raises(InvalidLink):
        signing.unsign(signing.PASSWORD_RESET, str(token))
