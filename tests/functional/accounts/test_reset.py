"""Password reset: a link by mail that is not a back door."""
from __future__ import annotations

from freezegun import freeze_time

from chalicelib.accounts import sessions
from chalicelib.accounts.models import Session
from chalicelib.events.models import Event
from tests.functional.conftest import PASSWORD, login, register
from tests.helpers import Browser

NEW = "violet anchor pepper 55"
RESET = "/account/reset-password/"


def ask(browser: Browser, login_name: str):
    return browser.submit("/account/request-password-reset/", {"username_or_email": login_name})


def reset(browser: Browser, link: str, password: str = NEW):
    page = browser.get(link)
    token = link.split("token=")[1]
    return page, browser.post(RESET, {"token": token, "new_password": password,
                                      "password_confirm": password}, csrf=page.csrf() if page.status == 200 else "x")


def test_same_answer_whether_or_not_the_account_exists(browser, mailbox):
    register(browser)
    known, unknown = ask(browser, "alice"), ask(browser, "nobody")
    assert known.status == unknown.status == 303
    assert known.location == unknown.location
    assert len(mailbox.to("alice@example.com")) == 2  # verification + reset
    assert len(mailbox.messages()) == 2


def test_reset_does_not_log_in_and_ends_every_session(browser, client, mailbox):
    register(browser)
    login(browser)
    other_device = Browser(client)
    login(other_device)
    ask(Browser(client), "alice")
    resetter = Browser(client)
    form, done = reset(resetter, mailbox.last_link("alice@example.com", RESET))
    assert form.status == 200 and "Reset password" in form.text
    assert done.status == 303 and done.location == "/account/login/?notice=reset-done"
    assert sessions.SESSION_COOKIE not in resetter.cookies
    assert resetter.get("/manage/account/").status == 303
    assert Session.count() == 0
    assert browser.get("/manage/account/").status == 303
    assert other_device.get("/manage/account/").status == 303
    assert any(m["Subject"] == "Your cheeseshop password has changed" for m in mailbox.to("alice@example.com"))
    assert "account:password:reset" in [e.tag for e in Event.query("alice")]
    login(browser, password=NEW)


def test_link_works_once(browser, mailbox):
    register(browser)
    ask(browser, "alice")
    link = mailbox.last_link("alice@example.com", RESET)
    assert reset(browser, link)[1].status == 303
    form, again = reset(browser, link, "another fine password 8")
    assert form.status == 400 and "cannot be used" in form.text
    assert again.status in (400, 403)
    login(browser, password=NEW)


def test_link_dies_when_the_user_logs_in(browser, mailbox):
    register(browser)
    ask(browser, "alice")
    link = mailbox.last_link("alice@example.com", RESET)
    login(browser)
    page = browser.get(link)
    assert page.status == 400
    assert "cannot be used" in page.text


def test_link_dies_when_the_password_changes(alice, mailbox):
    ask(alice, "alice")
    link = mailbox.last_link("alice@example.com", RESET)
    token = alice.get("/manage/account/").csrf()
    assert alice.post("/manage/account/password/", {"current_password": PASSWORD, "new_password": NEW,
                                                    "password_confirm": NEW}, csrf=token).status == 303
    assert alice.get(link).status == 400


def test_link_expires_after_an_hour(browser, mailbox):
    register(browser)
    with freeze_time("2026-03-01 08:00:00") as frozen:
        ask(browser, "alice")
        link = mailbox.last_link("alice@example.com", RESET)
        frozen.tick(3601)
        assert browser.get(link).status == 400


def test_tampered_link_is_refused(browser, mailbox):
    register(browser)
    ask(browser, "alice")
    link = mailbox.last_link("alice@example.com", RESET)
    at = len(link) - 5  # inside the signature, a character whose every bit counts
    assert browser.get(link[:at] + ("A" if link[at] != "A" else "B") + link[at + 1:]).status == 400


def test_weak_new_password_keeps_the_link_usable(browser, mailbox):
    register(browser)
    ask(browser, "alice")
    link = mailbox.last_link("alice@example.com", RESET)
    form, refused = reset(browser, link, "password1")
    assert refused.status == 400 and "too common" in refused.text
    assert reset(browser, link)[1].status == 303


def test_reset_mails_are_rate_limited(browser, mailbox):
    register(browser)
    with freeze_time("2026-01-01 12:00:00"):
        for _ in range(3):
            assert ask(browser, "alice").status == 303
        page = ask(browser, "alice")
    assert page.status == 429
    assert int(page.headers["Retry-After"]) > 0
    assert len(mailbox.to("alice@example.com")) == 4  # verification + 3 resets


def test_a_reset_request_takes_as_long_for_an_unknown_account_as_for_a_real_one(browser, alice):
    import time

    from chalicelib.accounts import reset

    def timed(login: str) -> float:
        started = time.monotonic()
        page = browser.submit("/account/request-password-reset/", {"username_or_email": login})
        assert page.status == 303
        return time.monotonic() - started

    real, unknown = timed("alice"), timed("nobody-at-all")
    assert real >= reset.REQUEST_FLOOR and unknown >= reset.REQUEST_FLOOR
    assert abs(real - unknown) < 0.25, (real, unknown)
