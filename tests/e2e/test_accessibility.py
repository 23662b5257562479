"""Every page: a title, html lang, no serious or critical WCAG 2.2 A/AA violation under
axe-core, and forms usable by keyboard alone."""
from __future__ import annotations

import re

import pytest
import requests
from playwright.sync_api import expect

from tests.conftest import ROOT

AXE = ROOT / "node_modules" / "axe-core" / "axe.min.js"
WCAG = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22a", "wcag22aa"]
PASSWORD = "saffron kettle orbit 61"


def serious_violations(page) -> list[str]:
    page.add_script_tag(path=str(AXE))
    result = page.evaluate("tags => axe.run(document, {runOnly: {type: 'tag', values: tags}})", WCAG)
    return [f"{v['id']} ({v['impact']}): {v['help']} at {[n['target'] for n in v['nodes']]}"
            for v in result["violations"] if v["impact"] in ("serious", "critical")]


def check(page) -> None:
    page.wait_for_load_state("load")
    assert page.title().strip()
    assert page.get_attribute("html", "lang") == "en"
    assert serious_violations(page) == []


def verified_user(site, base: str, username: str) -> str:
    """Registers over HTTP and follows the mailed verification link."""
    http = requests.Session()
    token = re.search(r'name="csrf_token" value="([^"]+)"', http.get(base + "/account/register/").text)[1]
    http.post(base + "/account/register/", data={
        "csrf_token": token, "username": username, "email": f"{username}@example.com",
        "password": PASSWORD, "password_confirm": PASSWORD}, allow_redirects=False)
    http.get(base + site.mailbox.last_link(f"{username}@example.com", "/account/verify-email/"))
    return username


@pytest.fixture(scope="module")
def member(site):
    """A verified user, made over HTTP."""
    return verified_user(site, site.url, "ada")


@pytest.mark.parametrize("path", ["/", "/account/register/", "/account/login/",
                                  "/account/request-password-reset/", "/account/recovery/",
                                  "/account/recovery/cancel/?token=bad", "/account/recovery/complete/?token=bad",
                                  "/account/reset-password/?token=bad",
                                  "/account/verify-email/?token=bad"])
def test_public_pages(audit_page, site, path):
    page = audit_page
    page.goto(site.url + path)
    check(page)


def test_pages_showing_errors(audit_page, site):
    page = audit_page
    page.goto(site.url + "/account/register/")
    page.get_by_label("Username").fill("-bad-")
    page.get_by_role("button", name="Create account").click()
    expect(page.get_by_role("alert")).to_be_visible()
    check(page)
    page.goto(site.url + "/account/login/")
    page.get_by_label("Username").fill("nobody")
    page.get_by_label("Password").fill("wrong password")
    page.get_by_role("button", name="Log in").click()
    expect(page.get_by_role("alert")).to_be_visible()
    check(page)


def test_login_by_keyboard_and_account_page(audit_page, site, member):
    page = audit_page
    page.goto(site.url + "/account/login/")
    page.keyboard.press("Tab")  # the skip link comes first
    expect(page.get_by_role("link", name="Skip to content")).to_be_focused()
    page.get_by_label("Username").focus()
    page.keyboard.type(member)
    page.keyboard.press("Tab")
    page.keyboard.type(PASSWORD)
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", name="Account settings")).to_be_visible()
    check(page)
    page.get_by_role("button", name="Log out").focus()
    page.keyboard.press("Enter")
    expect(page.get_by_role("status")).to_contain_text("logged out")


def tab_to(page, target) -> None:
    """Presses Tab, as a keyboard user does, until the target has the focus."""
    for _ in range(30):
        if target.evaluate("element => element === document.activeElement"):
            return
        page.keyboard.press("Tab")
    raise AssertionError(f"Tab never reached {target}")


def type_passwords_and_submit(page) -> None:
    tab_to(page, page.get_by_label("Password", exact=True))
    page.keyboard.type(PASSWORD)
    page.keyboard.press("Tab")  # Confirm password
    page.keyboard.type(PASSWORD)
    page.keyboard.press("Enter")


def test_register_and_log_in_by_keyboard_through_the_error_summary(audit_page, site):
    page = audit_page
    page.goto(site.url + "/account/register/")
    tab_to(page, page.get_by_label("Username"))
    page.keyboard.type("-bad-name-")
    tab_to(page, page.get_by_label("Email"))
    page.keyboard.type("lin@example.com")
    type_passwords_and_submit(page)

    summary = page.locator("#error-summary")
    expect(summary).to_be_focused()  # a screen reader starts with what went wrong
    check(page)
    page.keyboard.press("Tab")
    expect(summary.get_by_role("link")).to_be_focused()
    page.keyboard.press("Enter")
    username = page.get_by_label("Username")
    expect(username).to_be_focused()  # the link leads to the field, which names its error
    assert username.get_attribute("aria-invalid") == "true"
    page.keyboard.press("Control+A")
    page.keyboard.type("lin")
    type_passwords_and_submit(page)
    expect(page.get_by_role("status")).to_be_visible()
    assert "/account/login/" in page.url

    page.goto(site.url + site.mailbox.last_link("lin@example.com", "/account/verify-email/"))
    tab_to(page, page.get_by_label("Username"))  # from the top of the page, Tab only
    page.keyboard.type("lin")
    page.keyboard.press("Tab")
    page.keyboard.type(PASSWORD)
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", name="Account settings")).to_be_visible()
    check(page)


def test_two_factor_pages(audit_page, site):
    import pyotp

    page = audit_page
    verified_user(site, site.url, "grace")

    def log_in() -> None:
        page.goto(site.url + "/account/login/")
        page.get_by_label("Username").fill("grace")
        page.get_by_label("Password").fill(PASSWORD)
        page.get_by_role("button", name="Log in").click()

    log_in()
    page.goto(site.url + "/account/reauthenticate/?next=/manage/account/")
    check(page)
    page.goto(site.url + "/manage/account/totp-provision/")
    check(page)
    secret = page.locator("#totp-secret").inner_text()
    page.get_by_label("Authentication code").fill(pyotp.TOTP(secret).now())
    page.get_by_role("button", name="Verify").click()
    expect(page.get_by_role("heading", name="Recovery codes")).to_be_visible()
    check(page)  # recovery codes, before generating
    page.get_by_role("button", name="Generate recovery codes").click()
    expect(page.locator("#recovery-codes")).to_be_visible()
    check(page)
    page.goto(site.url + "/manage/account/")
    check(page)  # with the two-factor section filled in
    page.goto(site.url + "/manage/projects/")
    check(page)
    page.goto(site.url + "/manage/account/token/")
    check(page)
    page.get_by_label("Token name").fill("audit")
    page.get_by_role("button", name="Create token").click()
    token = page.locator("#new-token").inner_text()
    check(page)  # the token, shown once, and the list of tokens
    from tests import distributions as d

    body, content_type = d.form(d.wheel("grace-project"), d.wheel_name("grace-project"), name="grace-project")
    uploaded = requests.post(site.url + "/legacy/", data=body, timeout=30,
                             headers={"Content-Type": content_type, "Authorization": d.basic(token)})
    assert uploaded.status_code == 200, uploaded.text
    page.goto(site.url + "/project/grace-project/")
    check(page)
    page.goto(site.url + "/manage/project/grace-project/publishing/")
    check(page)  # trusted publishers: two forms with like-named fields
    page.get_by_role("region", name="GitHub").get_by_role("button", name="Add").click()
    expect(page.locator("#error-summary")).to_be_focused()
    check(page)
    page.goto(site.url + "/manage/account/publishing/")
    check(page)
    page.goto(site.url + "/manage/project/grace-project/")
    check(page)  # the settings: visibility, organization, archive, delete
    page.goto(site.url + "/manage/organizations/")
    check(page)
    page.get_by_label("Organization name").fill("grace-org")
    page.get_by_role("button", name="Create organization").click()
    check(page)  # the organization's settings: members, invitations, teams, projects, history
    page.get_by_label("Team name").fill("audit-team")
    page.get_by_role("button", name="Create team").click()
    check(page)  # a team's members and project roles
    page.goto(site.url + "/org/grace-org/")
    check(page)
    page.goto(site.url + "/")
    check(page)  # the home page, listing projects
    page.get_by_role("button", name="Log out").click()
    log_in()
    expect(page).to_have_url(re.compile(r"/account/two-factor/$"))
    check(page)
    page.get_by_role("link", name="Use a recovery code").click()
    check(page)


def test_security_key_pages(audit_page, site):
    page = audit_page
    base = f"http://localhost:{site.port}"  # security keys need a domain name
    verified_user(site, base, "hedy")
    cdp = page.context.new_cdp_session(page)
    cdp.send("WebAuthn.enable")
    cdp.send("WebAuthn.addVirtualAuthenticator", {"options": {
        "protocol": "ctap2", "transport": "usb", "automaticPresenceSimulation": True}})

    def log_in() -> None:
        page.goto(base + "/account/login/")
        page.get_by_label("Username").fill("hedy")
        page.get_by_label("Password").fill(PASSWORD)
        page.get_by_role("button", name="Log in").click()

    log_in()
    page.goto(base + "/manage/account/webauthn-provision/")
    check(page)
    page.get_by_label("Key name").fill("Travel key")
    page.get_by_role("button", name="Add security key").click()
    expect(page.get_by_role("status")).to_contain_text("Security key added")
    check(page)  # the account page with its table of keys
    page.goto(base + "/manage/account/passkey-provision/")
    check(page)
    page.get_by_role("button", name="Log out").click()
    page.goto(base + "/account/login/")
    expect(page.get_by_role("button", name="Sign in with a passkey")).to_be_visible()
    check(page)  # with its passkey section, shown at the address passkeys work at
    log_in()
    expect(page.get_by_role("button", name="Use security key")).to_be_visible()
    check(page)
