"""Where an account is signed in: its active sessions, which its user ends one by one or all but
this browser's, and its known devices, which they forget. Each is written as the attack it stops:
a stolen session that outlives its owner's "End session", a session or device of another account."""
from __future__ import annotations

import re
from datetime import timedelta

from chalicelib.accounts.models import KnownDevice, Session
from chalicelib.events.models import Event
from tests.functional.conftest import PASSWORD, code_step, enroll_totp, login, password_step, register, totp_code
from tests.helpers import Browser, Page

HANDLE_RE = re.compile(r'name="session" value="([0-9a-f]{64})"')
DEVICE_RE = re.compile(r'name="device" value="([^"]+)"')


def handles(page: Page) -> list[str]:
    return HANDLE_RE.findall(page.text)


def post_from_account_page(browser: Browser, action: str, data: dict[str, str]) -> Page:
    page = browser.get("/manage/account/")
    assert page.status == 200, page.text
    return browser.post(action, data, csrf=page.csrf())


def second_browser(client, username: str = "alice") -> Browser:
    other = Browser(client)
    other.headers["user-agent"] = "Firefox on the office laptop"
    login(other, username)
    assert other.get("/manage/account/").status == 200
    return other


def tags(username: str) -> list[str]:
    return [event.tag for event in Event.query(username)]


def test_the_account_page_lists_every_session_and_marks_this_browser(alice, client):
    second_browser(client)
    page = alice.get("/manage/account/")
    section = page.text.split('id="sessions-heading"')[1].split("</section>")[0]
    assert len(handles(page)) == 2 and section.count("This browser") == 1
    assert "Firefox on the office laptop" in section
    assert "End all other sessions" in section


def test_ending_another_session_logs_that_browser_out_at_its_next_request(alice, client):
    thief = second_browser(client)
    page = alice.get("/manage/account/")
    theirs = [h for h in handles(page) if Session.get(h).user_agent == "Firefox on the office laptop"]
    done = post_from_account_page(alice, "/manage/account/sessions/end/", {"session": theirs[0]})
    assert done.status == 303 and done.location == "/manage/account/?notice=session-ended"
    assert thief.get("/manage/account/").status == 303  # logged out: sent to the login page
    assert alice.get("/manage/account/").status == 200
    assert "account:session:end" in tags("alice")


def test_a_session_of_another_account_cannot_be_ended(alice, client, mailbox):
    bob = Browser(client)
    register(bob, "bob")
    assert bob.get(mailbox.last_link("bob@example.com", "/account/verify-email/")).status == 303
    login(bob, "bob")
    [alices] = handles(alice.get("/manage/account/"))
    refused = post_from_account_page(bob, "/manage/account/sessions/end/", {"session": alices})
    assert refused.status == 404 and "No such session" in refused.text
    assert alice.get("/manage/account/").status == 200  # still logged in
    refused = post_from_account_page(bob, "/manage/account/sessions/end/", {"session": "0" * 64})
    assert refused.status == 404


def test_ending_this_browsers_own_session_logs_it_out(alice):
    [mine] = handles(alice.get("/manage/account/"))
    done = post_from_account_page(alice, "/manage/account/sessions/end/", {"session": mine})
    assert done.status == 303 and done.location == "/account/login/?notice=logged-out"
    assert alice.get("/manage/account/").status == 303


def test_ending_all_other_sessions_keeps_this_one_and_is_mailed(alice, client, mailbox):
    others = [second_browser(client), second_browser(client)]
    done = post_from_account_page(alice, "/manage/account/sessions/end-others/", {})
    assert done.status == 303 and done.location == "/manage/account/?notice=sessions-ended"
    assert [browser.get("/manage/account/").status for browser in others] == [303, 303]
    assert alice.get("/manage/account/").status == 200
    assert len(list(Session.by_user.query("alice"))) == 1
    told = mailbox.to("alice@example.com")[-1]
    assert told["Subject"] == "Sessions of your cheeseshop account were ended"
    assert "2 other sessions" in told.get_body(preferencelist=("plain",)).get_content()
    assert "account:session:end-others" in tags("alice")


def test_ending_sessions_needs_a_recent_login(frozen, alice, client):
    thief = second_browser(client)
    frozen.tick(timedelta(minutes=20))
    refused = post_from_account_page(alice, "/manage/account/sessions/end-others/", {})
    assert refused.status == 303 and refused.location.startswith("/account/reauthenticate/")
    assert thief.get("/manage/account/").status == 200  # nothing ended


def test_removing_a_factor_ends_every_other_session(frozen, alice, client):
    secret = enroll_totp(alice)
    other = Browser(client)
    frozen.tick(timedelta(seconds=30))  # each code is taken once: the next step's
    assert password_step(other, "alice").status == 303
    assert code_step(other, totp_code(secret)).status == 303
    assert other.get("/manage/account/").status == 200
    frozen.tick(timedelta(seconds=30))
    done = post_from_account_page(alice, "/manage/account/totp/remove/",
                                  {"remove_password": PASSWORD, "remove_code": totp_code(secret)})
    assert done.status == 303, done.text
    assert other.get("/manage/account/").status == 303
    assert alice.get("/manage/account/").status == 200


def test_a_login_keeps_the_browser_as_a_known_device_until_it_is_forgotten(alice, client):
    page = alice.get("/manage/account/")
    section = page.text.split('id="devices-heading"')[1].split("</section>")[0]
    [device] = DEVICE_RE.findall(section)
    assert "This browser" in section
    cookie = alice.cookies["cheeseshop_device"]
    alice.cookies.pop("cheeseshop_session")
    login(alice)  # a known device: it keeps its cookie, the item its first sighting
    assert alice.cookies["cheeseshop_device"] == cookie and [d.id for d in KnownDevice.query("alice")] == [device]

    done = post_from_account_page(alice, "/manage/account/devices/forget/", {"device": device})
    assert done.status == 303 and done.location == "/manage/account/?notice=device-forgotten"
    assert list(KnownDevice.query("alice")) == [] and "account:device:forget" in tags("alice")
    alice.cookies.pop("cheeseshop_session")
    login(alice)  # the forgotten cookie names nothing now: the browser is a new device
    assert alice.cookies["cheeseshop_device"] != cookie
    assert [d.id for d in KnownDevice.query("alice")] != [device]


def test_a_device_of_another_account_cannot_be_forgotten(alice, client, mailbox):
    [device] = [d.id for d in KnownDevice.query("alice")]
    bob = Browser(client)
    register(bob, "bob")
    assert bob.get(mailbox.last_link("bob@example.com", "/account/verify-email/")).status == 303
    login(bob, "bob")
    refused = post_from_account_page(bob, "/manage/account/devices/forget/", {"device": device})
    assert refused.status == 404 and "No such device" in refused.text
    assert [d.id for d in KnownDevice.query("alice")] == [device]


def test_a_forged_device_cookie_is_no_known_device(alice, client):
    forged = Browser(client)
    forged.cookies["cheeseshop_device"] = alice.cookies["cheeseshop_device"][:-4] + "AAAA"
    login(forged)
    assert forged.cookies["cheeseshop_device"] != alice.cookies["cheeseshop_device"]
    assert len(list(KnownDevice.query("alice"))) == 2


def test_a_session_shows_when_it_was_last_used_without_a_write_per_request(frozen, alice):
    [item] = Session.by_user.query("alice")
    assert item.last_used_at is None
    frozen.tick(timedelta(minutes=2))
    alice.get("/manage/account/")
    assert Session.get(item.id).last_used_at is None  # within TOUCH_EVERY of its last write: nothing written
    frozen.tick(timedelta(minutes=4))
    page = alice.get("/manage/account/")
    assert Session.get(item.id).last_used_at.isoformat() == "2026-06-01T12:06:05+00:00"
    assert "Jun 1, 2026, 12:06:05" in page.text.split('id="sessions-heading"')[1].split("</section>")[0]
