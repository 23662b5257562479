"""The account page: emails, password change, security history."""
from __future__ import annotations

from freezegun import freeze_time

from chalicelib.accounts.models import Email, Session
from tests.functional.conftest import PASSWORD, login
from tests.helpers import Browser

NEW = "violet anchor pepper 55"


def change(browser: Browser, current: str, new: str, confirm: str | None = None):
    token = browser.get("/manage/account/").csrf()
    return browser.post("/manage/account/password/", {"current_password": current, "new_password": new,
                                                      "password_confirm": new if confirm is None else confirm},
                        csrf=token)


def test_account_pages_need_a_login(browser):
    page = browser.get("/manage/account/")
    assert page.status == 303
    assert page.location == "/account/login/?next=/manage/account/"
    assert browser.post("/manage/account/email/", {"email": "x@example.com"}, csrf="x").status == 303


def test_account_page_shows_emails_and_history(alice):
    page = alice.get("/manage/account/")
    assert page.status == 200
    assert "alice@example.com (primary)" in page.text
    for description in ("Account created", "Email address verified", "Logged in"):
        assert description in page.text
    assert 'button type="submit">Log out<' in page.text


def test_change_password_needs_the_current_one(alice):
    page = change(alice, "wrong password", NEW)
    assert page.status == 400
    assert "current password is not correct" in page.text


def test_change_password_refuses_weak_and_mismatched(alice):
    assert "too common" in change(alice, PASSWORD, "password1").text
    assert "do not match" in change(alice, PASSWORD, NEW, NEW + "!").text
    assert "different from the current" in change(alice, PASSWORD, PASSWORD).text


def test_change_password_ends_other_sessions_and_rotates_this_one(alice, client, mailbox):
    other = Browser(client)
    login(other)
    before = dict(alice.cookies)
    assert change(alice, PASSWORD, NEW).status == 303
    assert alice.cookies["cheeseshop_session"] != before["cheeseshop_session"]
    assert alice.get("/manage/account/").status == 200
    assert other.get("/manage/account/").status == 303
    assert Session.count() == 1
    assert mailbox.to("alice@example.com")[-1]["Subject"] == "Your cheeseshop password has changed"


def test_add_email_verifies_by_link_and_tells_the_old_address(alice, mailbox):
    token = alice.get("/manage/account/").csrf()
    assert alice.post("/manage/account/email/", {"email": "alice@work.example"}, csrf=token).status == 303
    assert mailbox.to("alice@example.com")[-1]["Subject"].startswith("An email address was added")
    assert alice.get(mailbox.last_link("alice@work.example", "/account/verify-email/")).status == 303
    assert Email.get("alice", "alice@work.example").verified


def test_add_email_refusals_store_nothing(alice):
    token = alice.get("/manage/account/").csrf()
    for address, message in (("not-an-address", "not a valid email address"),
                             ("alice@example.com", "already in use")):
        page = alice.post("/manage/account/email/", {"email": address}, csrf=token)
        assert page.status == 400 and message in page.text
    assert Email.count("alice") == 1


def test_resend_verification_is_rate_limited(browser, mailbox):
    from tests.functional.conftest import register

    register(browser)
    login(browser)
    with freeze_time("2026-01-01 12:00:00"):
        for _ in range(3):
            token = browser.get("/manage/account/").csrf()
            page = browser.post("/manage/account/email/resend/", {"email": "alice@example.com"}, csrf=token)
            assert page.status == 303
        token = browser.get("/manage/account/").csrf()
        page = browser.post("/manage/account/email/resend/", {"email": "alice@example.com"}, csrf=token)
    assert page.status == 429
    assert len(mailbox.to("alice@example.com")) == 4


def test_verification_link_expires_and_is_single_use(browser, mailbox):
    from tests.functional.conftest import register

    with freeze_time("2026-02-01 00:00:00") as frozen:
        register(browser)
        link = mailbox.last_link("alice@example.com", "/account/verify-email/")
        frozen.tick(24 * 3600 + 1)
        assert browser.get(link).status == 400
    link = mailbox.last_link("alice@example.com", "/account/verify-email/")
    login(browser)
    token = browser.get("/manage/account/").csrf()
    browser.post("/manage/account/email/resend/", {"email": "alice@example.com"}, csrf=token)
    link = mailbox.last_link("alice@example.com", "/account/verify-email/")
    assert browser.get(link).status == 303
    assert browser.get(link).status == 400
