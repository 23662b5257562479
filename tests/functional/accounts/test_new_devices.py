"""A login by authenticator or recovery code from a browser the account has not seen waits for a
link mailed to the primary address, opened in that browser within 15 minutes. Each refusal is the
attack it stops: a stolen password and code used from the attacker's browser, the link forwarded
to another browser, a link used twice or late."""
from __future__ import annotations

from datetime import timedelta

import pytest

from chalicelib.accounts.models import KnownDevice, Session, User
from chalicelib.events.models import Event
from tests.functional.conftest import PASSWORD, code_step, enroll_totp, login, password_step, totp_code
from tests.functional.mfa.test_recovery_codes import generate
from tests.helpers import Browser

LINK = "/account/confirm-login/"


@pytest.fixture
def confirming(monkeypatch):
    monkeypatch.setenv("CHEESESHOP_CONFIRM_NEW_DEVICES", "1")


@pytest.fixture
def secret(frozen, alice, confirming) -> str:
    found = enroll_totp(alice)  # alice's own browser completed a login: a known device
    frozen.tick(timedelta(seconds=30))
    return found


def held_login(client, secret: str) -> Browser:
    browser = Browser(client)
    browser.headers["user-agent"] = "Mallory's laptop"
    assert password_step(browser, "alice").status == 303
    held = code_step(browser, totp_code(secret))
    assert held.status == 200 and "We sent a link to your primary email address" in held.text
    return browser


def confirm(browser: Browser, link: str):
    page = browser.get(link)
    assert page.status == 200, page.text
    return browser.post(LINK, {"token": link.split("token=")[1]}, csrf=page.csrf())


def test_a_code_login_from_a_new_browser_waits_for_the_mailed_link(client, mailbox, secret):
    browser = held_login(client, secret)
    assert browser.get("/manage/account/").status == 303  # no session yet
    assert len(list(Session.by_user.query("alice"))) == 1  # only alice's own browser's
    mail = mailbox.to("alice@example.com")[-1]
    text = " ".join(mail.get_body(preferencelist=("plain",)).get_content().split())
    assert mail["Subject"] == "Confirm a login to your cheeseshop account from a new device"
    assert "Mallory's laptop" in text and "within 15 minutes" in text
    assert "account:login:held" in [e.tag for e in Event.query("alice")]

    done = confirm(browser, mailbox.last_link("alice@example.com", LINK))
    assert done.status == 303 and done.location == "/manage/account/"
    assert browser.get("/manage/account/").status == 200
    assert len(list(KnownDevice.query("alice"))) == 2  # it is a known device now

    browser.cookies.pop("cheeseshop_session")  # a known device is not asked again
    assert password_step(browser, "alice").status == 303
    assert code_step(browser, totp_code(secret, 1)).status == 303


def test_the_code_of_a_held_login_is_spent(client, mailbox, secret):
    held_login(client, secret)
    replay = Browser(client)
    assert password_step(replay, "alice").status == 303
    assert code_step(replay, totp_code(secret)).status == 401


def test_the_link_works_only_in_the_browser_that_logged_in(client, mailbox, secret):
    held_login(client, secret)
    link = mailbox.last_link("alice@example.com", LINK)
    elsewhere = Browser(client)
    refused = confirm(elsewhere, link)
    assert refused.status == 400 and "Open the link in the browser where you logged in" in refused.text
    assert elsewhere.get("/manage/account/").status == 303


def test_the_link_works_once_and_for_15_minutes(frozen, client, mailbox, secret):
    browser = held_login(client, secret)
    link = mailbox.last_link("alice@example.com", LINK)
    assert confirm(browser, link).status == 303
    browser.cookies.pop("cheeseshop_session")
    assert confirm(browser, link).status == 400  # used: the account's last login moved on

    frozen.tick(timedelta(seconds=30))
    other = Browser(client)
    assert password_step(other, "alice").status == 303
    assert code_step(other, totp_code(secret)).status == 200
    frozen.tick(timedelta(minutes=16))
    refused = confirm(other, mailbox.last_link("alice@example.com", LINK))
    assert refused.status == 400
    assert other.get("/manage/account/").status == 303


def test_a_recovery_code_login_is_held_too_and_the_code_spent(client, mailbox, secret, alice):
    codes = generate(alice)
    browser = Browser(client)
    assert password_step(browser, "alice").status == 303
    held = code_step(browser, codes[0], path="/account/recovery-code/")
    assert held.status == 200 and "We sent a link" in held.text
    assert len(User.get("alice").recovery_codes) == 7
    assert confirm(browser, mailbox.last_link("alice@example.com", LINK)).status == 303


def test_a_password_only_account_and_a_reauthentication_are_not_held(client, mailbox, confirming):
    from tests.functional.conftest import register

    browser = Browser(client)
    register(browser, "nofactor")
    assert browser.get(mailbox.last_link("nofactor@example.com", "/account/verify-email/")).status == 303
    fresh = Browser(client)
    login(fresh, "nofactor", PASSWORD)  # no second factor: nothing to hold
    assert fresh.get("/manage/account/").status == 200


def test_a_reauthentication_in_a_logged_in_browser_is_never_held(frozen, client, mailbox, secret, alice):
    [device] = KnownDevice.query("alice")
    device.delete()  # this browser's device is forgotten, but it holds a live session
    sent = len(mailbox.to("alice@example.com"))
    frozen.tick(timedelta(minutes=20))  # sudo mode has lapsed
    asked = alice.post("/account/reauthenticate/", {"password": PASSWORD},
                       csrf=alice.get("/account/reauthenticate/").csrf())
    assert asked.status == 303 and asked.location.startswith("/account/two-factor/")
    assert code_step(alice, totp_code(secret)).status == 303
    assert len(mailbox.to("alice@example.com")) == sent  # no link to confirm
