"""A maintainer's first visit, in Chromium: register, verify by mail, log in and out,
forget the password and reset it."""
from __future__ import annotations

import re

from playwright.sync_api import expect

PASSWORD = "plum orchard velvet 42"
NEW_PASSWORD = "quartz lantern meadow 17"


def register(page, site, username: str, email: str) -> None:
    page.goto(site.url + "/")
    page.get_by_role("link", name="Register").click()
    page.get_by_label("Username").fill(username)
    page.get_by_label("Full name").fill("Maria Example")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password", exact=True).fill(PASSWORD)
    page.get_by_label("Confirm password").fill(PASSWORD)
    page.get_by_role("button", name="Create account").click()
    expect(page.get_by_role("status")).to_contain_text("We sent you an email")


def log_in(page, site, username: str, password: str) -> None:
    page.goto(site.url + "/account/login/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Log in").click()


def signed_up(chromium, site, name: str, bypass_csp: bool = False):
    """A verified user with an authenticator app, logged in, in a browser context of their own.
    bypass_csp only so that axe can be injected into the pages."""
    import pyotp

    context = chromium.new_context(bypass_csp=bypass_csp)
    page = context.new_page()
    page.set_default_timeout(15000)
    register(page, site, name, f"{name}@example.com")
    page.goto(site.url + site.mailbox.last_link(f"{name}@example.com", "/account/verify-email/"))
    log_in(page, site, name, PASSWORD)
    page.goto(site.url + "/manage/account/totp-provision/")
    secret = page.locator("#totp-secret").inner_text()
    page.get_by_label("Authentication code").fill(pyotp.TOTP(secret).now())
    page.get_by_role("button", name="Verify").click()
    expect(page.get_by_role("heading", name="Recovery codes")).to_be_visible()
    return context, page


def test_register_verify_login_logout_reset(page, site):
    mailbox = site.mailbox
    register(page, site, "maria", "maria@example.com")
    # The stylesheet applies under the site's Content-Security-Policy.
    header_colour = page.eval_on_selector("header", "e => getComputedStyle(e).backgroundColor")
    assert header_colour == "rgb(34, 49, 63)"

    page.goto(site.url + mailbox.last_link("maria@example.com", "/account/verify-email/"))
    expect(page.get_by_role("status")).to_contain_text("verified")

    log_in(page, site, "maria", PASSWORD)
    expect(page).to_have_url(re.compile(r"/manage/account/$"))
    expect(page.get_by_role("heading", name="Account settings")).to_be_visible()
    expect(page.get_by_role("cell", name="Verified", exact=True)).to_be_visible()
    page.get_by_role("button", name="Log out").click()
    expect(page.get_by_role("status")).to_contain_text("logged out")
    page.goto(site.url + "/manage/account/")
    expect(page).to_have_url(re.compile(r"/account/login/"))

    page.get_by_role("link", name="Forgot your password?").click()
    page.get_by_label("Username or email").fill("maria")
    page.get_by_role("button", name="Send reset link").click()
    expect(page.get_by_role("status")).to_contain_text("If an account matches")

    reset_link = mailbox.last_link("maria@example.com", "/account/reset-password/")
    page.goto(site.url + reset_link)
    page.get_by_label("New password").fill(NEW_PASSWORD)
    page.get_by_label("Confirm password").fill(NEW_PASSWORD)
    page.get_by_role("button", name="Reset password").click()

    # The reset does not log in: the user lands on the login page, logged out.
    expect(page.get_by_role("status")).to_contain_text("password was reset")
    expect(page.get_by_role("button", name="Log out")).to_have_count(0)
    page.goto(site.url + "/manage/account/")
    expect(page).to_have_url(re.compile(r"/account/login/"))

    # The link works once.
    page.goto(site.url + reset_link)
    expect(page.get_by_role("heading", name="This link cannot be used")).to_be_visible()

    log_in(page, site, "maria", PASSWORD)
    expect(page.get_by_role("alert")).to_contain_text("not correct")
    log_in(page, site, "maria", NEW_PASSWORD)
    expect(page.get_by_role("heading", name="Account settings")).to_be_visible()
    history = page.get_by_role("region", name="Security history")
    for event in ("Account created", "Email address verified", "Logged in", "Logged out",
                  "Password reset", "Failed login"):
        expect(history).to_contain_text(event)
    assert [e for e in page.console_errors if "Content Security Policy" in e] == []
