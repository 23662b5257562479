"""Where an account is signed in, in Chromium: a second browser logs in (held as a new device
until the mailed link is opened in it; the same link in a third browser is refused), the first
sees it under "Active sessions" and ends it (the second is logged out at its next request), then
forgets it under "Known devices"."""
from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import own_site
from tests.e2e.test_account_journey import PASSWORD, log_in, signed_up


@pytest.fixture(scope="module")
def site(tmp_path_factory):  # the shared stack's registrations are at their hourly limit already
    yield from own_site(tmp_path_factory)


def test_a_session_ended_from_another_browser_is_logged_out(chromium, site):
    first, page = signed_up(chromium, site, "sessa")
    page.get_by_role("button", name="Generate recovery codes").click()
    expect(page.locator("#recovery-codes code")).to_have_count(8)
    code = page.locator("#recovery-codes code").all_inner_texts()[0]

    second = chromium.new_context(user_agent="Second browser (test)")
    other = second.new_page()
    other.set_default_timeout(15000)
    log_in(other, site, "sessa", PASSWORD)
    other.get_by_role("link", name="Use a recovery code").click()
    other.get_by_label("Recovery code").fill(code)
    other.get_by_role("button", name="Verify").click()
    # A browser the account has not seen: the login waits for the link mailed to sessa.
    expect(other.get_by_role("status")).to_contain_text("We sent a link to your primary email address")
    link = site.url + site.mailbox.last_link("sessa@example.com", "/account/confirm-login/")
    third = chromium.new_context()
    forwarded = third.new_page()
    forwarded.goto(link)
    forwarded.get_by_role("button", name="Confirm login").click()
    expect(forwarded.get_by_role("alert")).to_contain_text("Open the link in the browser where you logged in")
    third.close()
    other.goto(link)
    other.get_by_role("button", name="Confirm login").click()
    expect(other.get_by_role("heading", name="Account settings")).to_be_visible()

    page.goto(site.url + "/manage/account/")
    sessions = page.locator("section", has=page.get_by_role("heading", name="Active sessions"))
    expect(sessions.locator("tbody tr")).to_have_count(2)
    theirs = sessions.locator("tbody tr", has_text="Second browser (test)")
    expect(theirs).not_to_contain_text("This browser")
    theirs.get_by_role("button", name="End session").click()
    expect(page.get_by_role("status")).to_contain_text("Session ended")
    expect(sessions.locator("tbody tr")).to_have_count(1)

    other.goto(site.url + "/manage/account/")
    expect(other).to_have_url(re.compile(r"/account/login/"))

    devices = page.locator("section", has=page.get_by_role("heading", name="Known devices"))
    expect(devices.locator("tbody tr")).to_have_count(2)
    devices.locator("tbody tr", has_text="Second browser (test)").get_by_role("button", name="Forget").click()
    expect(page.get_by_role("status")).to_contain_text("Device forgotten")
    expect(devices.locator("tbody tr")).to_have_count(1)
    expect(devices).to_contain_text("This browser")
    first.close()
    second.close()
