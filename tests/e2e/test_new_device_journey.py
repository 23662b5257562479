"""A login from a browser the account has not seen, in Chromium, on a stack whose confirmation
links work a few seconds (CHEESESHOP_NEW_DEVICE_LINK_SECONDS): held, the mailed link refused once
it is too old, then a fresh one confirmed in the browser that logged in, which is known from then
on and asked no more."""
from __future__ import annotations

import re
import time

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import own_site
from tests.e2e.test_account_journey import PASSWORD, log_in, signed_up

LINK_SECONDS = 4


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    yield from own_site(tmp_path_factory, CHEESESHOP_NEW_DEVICE_LINK_SECONDS=str(LINK_SECONDS))


def recovery_code_login(page, site, code: str) -> None:
    log_in(page, site, "nadia", PASSWORD)
    page.get_by_role("link", name="Use a recovery code").click()
    page.get_by_label("Recovery code").fill(code)
    page.get_by_role("button", name="Verify").click()


def test_a_new_browser_waits_for_a_fresh_mailed_link(chromium, site):
    first, page = signed_up(chromium, site, "nadia")
    page.get_by_role("button", name="Generate recovery codes").click()
    expect(page.locator("#recovery-codes code")).to_have_count(8)
    codes = page.locator("#recovery-codes code").all_inner_texts()

    laptop = chromium.new_context(user_agent="Nadia's new laptop")
    other = laptop.new_page()
    other.set_default_timeout(15000)
    recovery_code_login(other, site, codes[0])
    expect(other.get_by_role("status")).to_contain_text("We sent a link to your primary email address")
    stale = site.url + site.mailbox.last_link("nadia@example.com", "/account/confirm-login/")
    time.sleep(LINK_SECONDS + 1)
    other.goto(stale)
    other.get_by_role("button", name="Confirm login").click()
    expect(other.get_by_role("alert")).to_contain_text("This link is invalid, has expired or has already been used")
    other.goto(site.url + "/manage/account/")
    expect(other).to_have_url(re.compile(r"/account/login/"))

    recovery_code_login(other, site, codes[1])
    expect(other.get_by_role("status")).to_contain_text("We sent a link")
    other.goto(site.url + site.mailbox.last_link("nadia@example.com", "/account/confirm-login/"))
    other.get_by_role("button", name="Confirm login").click()
    expect(other.get_by_role("heading", name="Account settings")).to_be_visible()

    other.get_by_role("button", name="Log out").click()
    recovery_code_login(other, site, codes[2])  # a known device now: no mail, straight in
    expect(other.get_by_role("status")).to_contain_text("cannot be used again")
    first.close()
    laptop.close()
