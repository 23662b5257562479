"""Authenticator apps: enrollment, the second login step, removal and the mandate."""
from __future__ import annotations

import re
from datetime import UTC, datetime

import pytest
from freezegun import freeze_time

from chalicelib.accounts import sessions
from chalicelib.accounts.models import Session, User
from chalicelib.core import crypto, keys
from chalicelib.events.models import Event
from chalicelib.packaging.permissions import creator_role
from tests.functional.conftest import PASSWORD, code_step, enroll_totp, login, password_step, register, totp_code
from tests.helpers import Browser

T0 = "2026-06-01 12:00:05"


@pytest.fixture(autouse=True)
def frozen():
    """Time is frozen before anything else, so logins and codes share one clock."""
    with freeze_time(T0) as clock:
        yield clock


def tags(username: str = "alice") -> list[str]:
    return [event.tag for event in Event.query(username)]


def test_enrollment_shows_a_qr_code_and_the_secret(alice, frozen):
    page = alice.get("/manage/account/totp-provision/")
    assert page.status == 200
    assert re.search(r'<img src="data:image/svg\+xml[^"]+" alt="QR code', page.text)
    secret = re.search(r'<code id="totp-secret">([A-Z2-7]{32})</code>', page.text).group(1)
    assert len(secret) * 5 == 160  # base32: 5 bits a character
    assert '<label for="code">Authentication code</label>' in page.text
    assert ">Verify</button>" in page.text
    assert User.get("alice").totp_secret is None  # nothing is saved before a right code


def test_wrong_code_at_enrollment_saves_nothing_and_keeps_the_same_secret(alice, frozen):
    page = alice.get("/manage/account/totp-provision/")
    secret = re.search(r'<code id="totp-secret">([A-Z2-7]+)</code>', page.text).group(1)
    token = re.search(r'name="setup_token" value="([^"]+)"', page.text).group(1)
    wrong = alice.post("/manage/account/totp-provision/", {"setup_token": token, "code": "000000"},
                       csrf=page.csrf())
    assert wrong.status == 401 and "The code is not valid" in wrong.text
    assert f'<code id="totp-secret">{secret}</code>' in wrong.text
    assert User.get("alice").totp_secret is None


def test_enrollment_stores_the_secret_sealed_and_prompts_for_recovery_codes(alice, frozen, mailbox):
    secret = enroll_totp(alice)
    stored = User.get("alice").totp_secret
    assert secret not in stored
    assert crypto.unseal(stored, purpose=keys.TOTP_SECRET, owner="alice") == secret
    with pytest.raises(crypto.SealBroken):  # copied onto another account, it does not open
        crypto.unseal(stored, purpose=keys.TOTP_SECRET, owner="mallory")
    assert "account:two-factor:totp:add" in tags()
    assert mailbox.to("alice@example.com")[-1]["Subject"].startswith("Two-factor authentication changed")
    page = alice.get("/manage/account/recovery-codes/?notice=totp-added-make-codes")
    assert "generate recovery codes" in page.text
    assert alice.get("/manage/account/totp-provision/").location == "/manage/account/?notice=totp-exists"


def test_enrollment_needs_a_verified_email(browser, frozen):
    register(browser)
    login(browser)
    page = browser.get("/manage/account/totp-provision/")
    assert page.location == "/manage/account/?notice=verify-first"


def test_enrollment_needs_a_recent_password(alice, frozen):
    frozen.tick(16 * 60)
    page = alice.get("/manage/account/totp-provision/")
    assert page.location == "/account/reauthenticate/?next=/manage/account/totp-provision/"
    form = alice.get(page.location)
    wrong = alice.post("/account/reauthenticate/", {"password": "nope", "next": "/manage/account/totp-provision/"},
                       csrf=form.csrf())
    assert wrong.status == 400 and "password is not correct" in wrong.text
    right = alice.post("/account/reauthenticate/", {"password": PASSWORD, "next": "/manage/account/totp-provision/"},
                       csrf=form.csrf())
    assert right.location == "/manage/account/totp-provision/"
    assert alice.get("/manage/account/totp-provision/").status == 200


def test_password_alone_gives_no_session(alice, client, frozen):
    secret = enroll_totp(alice)
    fresh = Browser(client)
    page = password_step(fresh)
    assert page.location == "/account/two-factor/"
    assert sessions.SESSION_COOKIE not in fresh.cookies
    assert fresh.get("/manage/account/").status == 303  # half-authenticated: no access
    frozen.tick(30)
    done = code_step(fresh, totp_code(secret))
    assert done.status == 303 and done.location == "/manage/account/"
    assert fresh.get("/manage/account/").status == 200
    assert "two-factor" not in "".join(fresh.cookies)


def test_a_code_is_accepted_once(alice, client, frozen):
    secret = enroll_totp(alice)
    frozen.tick(30)
    first = Browser(client)
    password_step(first)
    code = totp_code(secret)
    assert code_step(first, code).status == 303
    second = Browser(client)  # a new login, in the same time step
    password_step(second)
    replay = code_step(second, code)
    assert replay.status == 401 and "The code is not valid" in replay.text
    assert sessions.SESSION_COOKIE not in second.cookies


def test_one_step_of_drift_either_way_and_spaces_are_accepted(alice, client, frozen):
    secret = enroll_totp(alice)
    frozen.tick(120)
    for offset in (-1, 1):
        browser = Browser(client)
        password_step(browser)
        code = totp_code(secret, offset)
        assert code_step(browser, f"{code[:3]} {code[3:]}").status == 303
        frozen.tick(90)


def test_every_wrong_code_gets_the_same_message(alice, client, frozen):
    secret = enroll_totp(alice)
    frozen.tick(30)
    browser = Browser(client)
    password_step(browser)
    answers = {code_step(browser, code).text.count("The code is not valid. Check it and try again.")
               for code in ("123456", "abc", totp_code(secret, 2), totp_code(secret, -2), "")}
    assert answers == {1}
    assert "account:two-factor:failure" in tags()


def test_wrong_codes_are_rate_limited(alice, client, frozen):
    secret = enroll_totp(alice)
    browser = Browser(client)
    password_step(browser)
    for _ in range(5):
        assert code_step(browser, "000000").status == 401
    frozen.tick(30)
    page = code_step(browser, totp_code(secret))  # even the right code waits
    assert page.status == 429 and int(page.headers["Retry-After"]) > 0
    assert code_step(browser, "0123456789abcdef", "/account/recovery-code/").status == 429  # shared
    frozen.tick(300)  # the window has passed, and so has the pending login: start again
    password_step(browser)
    assert code_step(browser, totp_code(secret)).status == 303


def test_pending_login_expires_and_dies_with_a_password_change(alice, client, frozen):
    enroll_totp(alice)
    late = Browser(client)
    password_step(late)
    frozen.tick(301)
    assert late.get("/account/two-factor/").location == "/account/login/?notice=login-expired"

    stale = Browser(client)
    password_step(stale)
    User("alice").update(actions=[User.password_changed_at.set(datetime.now(UTC))])
    assert stale.get("/account/two-factor/").location == "/account/login/?notice=login-expired"


def test_pending_login_is_bound_to_its_browser_and_dies_when_a_login_completes(alice, client, frozen):
    secret = enroll_totp(alice)
    first = Browser(client)
    password_step(first)
    thief = Browser(client)
    thief.cookies = {"cheeseshop_2fa": first.cookies["cheeseshop_2fa"]}  # the pending cookie alone
    assert thief.get("/account/two-factor/").location == "/account/login/?notice=login-expired"

    second = Browser(client)
    password_step(second)
    frozen.tick(30)
    assert code_step(second, totp_code(secret)).status == 303  # a login completed elsewhere
    assert first.get("/account/two-factor/").location == "/account/login/?notice=login-expired"


def test_two_factor_page_needs_a_pending_login(browser):
    assert browser.get("/account/two-factor/").location == "/account/login/?notice=login-expired"
    token = browser.get("/account/login/").csrf()
    page = browser.post("/account/two-factor/", {"code": "123456"}, csrf=token)
    assert page.location == "/account/login/?notice=login-expired"


def test_password_reset_still_asks_for_the_second_factor(alice, client, mailbox, frozen):
    secret = enroll_totp(alice)
    fresh = Browser(client)
    fresh.submit("/account/request-password-reset/", {"username_or_email": "alice"})
    link = mailbox.last_link("alice@example.com", "/account/reset-password/")
    form = fresh.get(link)
    new = "violet anchor pepper 55"
    fresh.post("/account/reset-password/", {"token": link.split("token=")[1], "new_password": new,
                                            "password_confirm": new}, csrf=form.csrf())
    assert password_step(fresh, password=new).location == "/account/two-factor/"
    frozen.tick(30)
    assert code_step(fresh, totp_code(secret)).status == 303


def remove(browser: Browser, password: str, code: str):
    token = browser.get("/manage/account/").csrf()
    return browser.post("/manage/account/totp/remove/", {"remove_password": password, "remove_code": code},
                        csrf=token)


def test_removal_needs_the_password_and_a_working_code(alice, frozen, mailbox):
    secret = enroll_totp(alice)
    frozen.tick(30)
    refused = remove(alice, "wrong password", "000000")
    assert refused.status == 400
    assert "Your password is not correct." in refused.text and "The code is not valid" in refused.text
    assert User.get("alice").totp_secret is not None
    assert remove(alice, PASSWORD, totp_code(secret)).location == "/manage/account/?notice=totp-removed"
    user = User.get("alice")
    assert user.totp_secret is None and user.recovery_codes is None
    assert "account:two-factor:totp:remove" in tags()
    assert "removed" in mailbox.to("alice@example.com")[-1].get_body(("plain",)).get_content()


def test_a_maintainer_cannot_remove_the_last_factor(alice, frozen):
    secret = enroll_totp(alice)
    creator_role("alice", "sampleproject", "SampleProject").save()
    frozen.tick(30)
    refused = remove(alice, PASSWORD, totp_code(secret))
    assert refused.status == 400 and "You maintain projects" in refused.text
    assert User.get("alice").totp_secret is not None


def test_the_mandate_sends_users_without_two_factor_to_set_it_up(alice, frozen):
    page = alice.get("/manage/projects/")
    assert page.location == "/manage/account/?notice=two-factor-required"
    assert "Set up two-factor authentication first" in alice.get(page.location).text
    enroll_totp(alice)
    creator_role("alice", "sampleproject", "SampleProject").save()
    listing = alice.get("/manage/projects/")
    assert listing.status == 200 and "SampleProject" in listing.text
    assert Session.count() == 1


def test_a_wrong_code_is_told_in_the_readers_language(alice, frozen):
    enroll_totp(alice)
    frozen.tick(30)
    from tests.functional.i18n.test_languages import choose

    choose(alice, "es")
    refused = remove(alice, PASSWORD, "000000")
    assert refused.status == 400 and "El código no es válido." in refused.text
