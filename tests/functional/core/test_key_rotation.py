"""Replacing the server's secret: with the old one retired (still accepted), nobody is logged out
of two-factor and no token dies; what is used moves to the new key; once the old secret is
dropped, only what was never used since goes with it."""
from __future__ import annotations

import pytest

from chalicelib.accounts.models import User
from chalicelib.core import crypto
from chalicelib.tokens.models import Token
from tests import distributions as d
from tests.functional.conftest import code_step, enroll_totp, make_token, password_step, totp_code
from tests.functional.forklift.test_upload import upload
from tests.functional.mfa.test_recovery_codes import RECOVERY, generate
from tests.helpers import Browser

OLD, NEW = "functional-test-secret", "the-next-functional-test-secret"


def replace_secret(monkeypatch: pytest.MonkeyPatch, *, keep_old: bool) -> None:
    monkeypatch.setenv("CHEESESHOP_SECRET_KEY", NEW)
    monkeypatch.setenv("CHEESESHOP_RETIRED_SECRET_KEYS", OLD if keep_old else "")


def test_a_replaced_secret_keeps_two_factor_and_tokens(frozen, client, alice, monkeypatch):
    secret = enroll_totp(alice)
    token = make_token(alice)
    codes = generate(alice)
    [token_id] = [t.id for t in Token.scan() if t.secret_hash]

    replace_secret(monkeypatch, keep_old=True)
    assert upload(client, d.basic(token), d.wheel(), d.wheel_name())[0] == 200
    assert crypto.is_current(Token.get(token_id).secret_hash)  # moved to the new key on use
    frozen.tick(30)
    phone = Browser(client)
    password_step(phone)
    assert code_step(phone, totp_code(secret)).location == "/manage/account/"
    assert crypto.is_current(User.get("alice").totp_secret)  # sealed again with the new key
    laptop = Browser(client)
    password_step(laptop)
    assert code_step(laptop, codes[0], RECOVERY).status == 303

    replace_secret(monkeypatch, keep_old=False)
    assert upload(client, d.basic(token), d.sdist(), d.sdist_name())[0] == 200
    frozen.tick(30)
    tablet = Browser(client)
    password_step(tablet)
    assert code_step(tablet, totp_code(secret)).location == "/manage/account/"
    # Recovery codes are only hashed: those never used since still need the old secret.
    other = Browser(client)
    password_step(other)
    assert code_step(other, codes[1], RECOVERY).status == 401


def test_without_the_old_secret_its_tokens_and_app_stop(frozen, client, alice, monkeypatch):
    secret = enroll_totp(alice)
    token = make_token(alice)
    replace_secret(monkeypatch, keep_old=False)
    status, text = upload(client, d.basic(token), d.wheel(), d.wheel_name())
    assert status == 403, text
    frozen.tick(30)
    phone = Browser(client)
    password_step(phone)
    assert code_step(phone, totp_code(secret)).status == 401
