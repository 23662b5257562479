"""Sudo mode: sensitive actions need the password and the second factor within 15 minutes;
/account/reauthenticate/ asks both and returns to the page the action is on."""
from __future__ import annotations

import pytest

from chalicelib.accounts.models import User
from chalicelib.events.models import Event
from tests.functional.conftest import PASSWORD, code_step, enroll_totp, make_token, totp_code


def tags(username: str = "alice") -> list[str]:
    return [e.tag for e in Event.query(username)]


@pytest.fixture
def secret(alice):
    return enroll_totp(alice)


def test_a_token_needs_a_recent_password_and_second_factor(frozen, alice, secret):
    frozen.tick(16 * 60)
    page = alice.get("/manage/account/token/")
    refused = alice.post("/manage/account/token/", {"name": "late", "scope": "", "expires": ""}, csrf=page.csrf())
    assert refused.location == "/account/reauthenticate/?next=/manage/account/token/"
    old_session = dict(alice.cookies)

    form = alice.get(refused.location)
    assert "then be asked for your second factor" in form.text
    password = alice.post("/account/reauthenticate/", {"password": PASSWORD, "next": "/manage/account/token/"},
                          csrf=form.csrf())
    assert password.location == "/account/two-factor/"
    still = alice.get("/manage/account/token/")  # the password alone did not make the session fresh
    assert alice.post("/manage/account/token/", {"name": "x"}, csrf=still.csrf()).location.startswith(
        "/account/reauthenticate/")

    password = alice.post("/account/reauthenticate/", {"password": PASSWORD, "next": "/manage/account/token/"},
                          csrf=alice.get(refused.location).csrf())
    assert code_step(alice, totp_code(secret)).location == "/manage/account/token/"
    assert make_token(alice, "now")
    assert "account:reauthenticate:success" in tags()
    assert alice.cookies != old_session  # a new session: the old id is gone


def test_a_wrong_second_factor_leaves_the_session_as_it_was(frozen, alice, secret):
    frozen.tick(16 * 60)
    form = alice.get("/account/reauthenticate/")
    alice.post("/account/reauthenticate/", {"password": PASSWORD}, csrf=form.csrf())
    wrong = code_step(alice, "000000")
    assert wrong.status == 401
    page = alice.get("/manage/account/token/")
    assert alice.post("/manage/account/token/", {"name": "x"}, csrf=page.csrf()).location.startswith(
        "/account/reauthenticate/")
    assert "account:two-factor:failure" in tags()


def test_removing_a_factor_needs_sudo_too(frozen, alice, secret):
    frozen.tick(16 * 60)
    page = alice.get("/manage/account/")
    refused = alice.post("/manage/account/totp/remove/", {"remove_password": PASSWORD,
                                                          "remove_code": totp_code(secret)}, csrf=page.csrf())
    assert refused.location == "/account/reauthenticate/?next=/manage/account/"
    assert User.get("alice").totp_secret is not None


def test_without_a_second_factor_the_password_is_enough(frozen, alice):
    frozen.tick(16 * 60)
    assert alice.get("/manage/account/totp-provision/").location.startswith("/account/reauthenticate/")
    form = alice.get("/account/reauthenticate/")
    done = alice.post("/account/reauthenticate/", {"password": PASSWORD, "next": "/manage/account/totp-provision/"},
                      csrf=form.csrf())
    assert done.location == "/manage/account/totp-provision/"
    assert alice.get(done.location).status == 200


def test_adding_an_email_needs_sudo(frozen, alice, secret):
    frozen.tick(16 * 60)
    page = alice.get("/manage/account/")
    refused = alice.post("/manage/account/email/", {"email": "other@example.com"}, csrf=page.csrf())
    assert refused.location == "/account/reauthenticate/?next=/manage/account/"
    assert "other@example.com" not in alice.get("/manage/account/").text
