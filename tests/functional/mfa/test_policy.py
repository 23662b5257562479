"""The one two-factor policy, seen through the pages: removing the last factor, whichever
it is, takes the recovery codes with it; every password check counts against the login limit."""
from __future__ import annotations

from chalicelib.accounts.models import User
from chalicelib.core.ratelimit import LOGIN_PER_USER
from chalicelib.events.models import Event
from tests.functional.conftest import PASSWORD, enroll_totp, totp_code
from tests.functional.mfa.test_recovery_codes import generate
from tests.functional.mfa.test_security_keys import enroll, frozen, new_key  # noqa: F401 (frozen: a fixture)
from tests.softkey import b64url


def remove_key(browser, key, password: str):
    credential_id = b64url(key.credential_id)
    token = browser.get("/manage/account/").csrf()
    return browser.post("/manage/account/webauthn/remove/", {"credential_id": credential_id,
                                                             f"password-{credential_id}": password}, csrf=token)


def remove_app(browser, password: str, code: str):
    token = browser.get("/manage/account/").csrf()
    return browser.post("/manage/account/totp/remove/", {"remove_password": password, "remove_code": code},
                        csrf=token)


def test_removing_the_last_security_key_clears_the_recovery_codes(alice):
    key = new_key()
    assert enroll(alice, key)[0] == 200
    assert len(generate(alice)) == 8
    assert remove_key(alice, key, PASSWORD).location == "/manage/account/?notice=webauthn-removed"
    user = User.get("alice")
    assert not user.webauthn_keys and user.recovery_codes is None and user.recovery_generated_at is None
    assert "Recovery codes" not in alice.get("/manage/account/").text.split("Security keys")[0]


def test_removing_one_factor_of_two_keeps_the_recovery_codes(alice, frozen):  # noqa: F811
    key = new_key()
    assert enroll(alice, key)[0] == 200
    secret = enroll_totp(alice)
    assert len(generate(alice)) == 8
    assert remove_key(alice, key, PASSWORD).location == "/manage/account/?notice=webauthn-removed"
    assert len(User.get("alice").recovery_codes) == 8
    frozen.tick(30)
    assert remove_app(alice, PASSWORD, totp_code(secret)).location == "/manage/account/?notice=totp-removed"
    assert User.get("alice").recovery_codes is None


def failures() -> int:
    return sum(1 for e in Event.query("alice") if e.tag == "account:reauthenticate:failure")


def test_every_password_confirmation_counts_against_the_login_limit(alice):
    key = new_key()
    assert enroll(alice, key)[0] == 200
    tries = [
        lambda: alice.post("/account/reauthenticate/", {"password": "nope"},
                           csrf=alice.get("/account/reauthenticate/").csrf()),
        lambda: alice.post("/manage/account/password/", {"current_password": "nope", "new_password": "x" * 20,
                                                          "password_confirm": "x" * 20},
                           csrf=alice.get("/manage/account/").csrf()),
        lambda: remove_key(alice, key, "nope"),
    ]
    for attempt in range(LOGIN_PER_USER.most):
        refused = tries[attempt % len(tries)]()
        assert refused.status == 400 and "password is not correct" in refused.text
    assert failures() == LOGIN_PER_USER.most
    for attempt in tries:  # the right password no longer helps, on any form
        limited = attempt()
        assert limited.status == 429 and "Too many failed login attempts" in limited.text
    right = alice.post("/account/reauthenticate/", {"password": PASSWORD},
                       csrf=alice.get("/account/reauthenticate/").csrf())
    assert right.status == 429
    assert User.get("alice").webauthn_keys == 1
    assert failures() == LOGIN_PER_USER.most  # refused before checking: nothing more to record
