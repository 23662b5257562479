"""Security keys in Chromium with the DevTools virtual authenticator: enroll a key, log
in with it; a never-enrolled authenticator cannot log in; a clone with its sign count
reset is refused. Security keys need a domain name, so this runs at localhost."""
from __future__ import annotations

import re

from playwright.sync_api import expect

from tests.e2e.test_account_journey import PASSWORD

AUTHENTICATOR = {"protocol": "ctap2", "transport": "usb", "hasResidentKey": False, "hasUserVerification": False,
                 "automaticPresenceSimulation": True}


def localhost(site) -> str:
    return f"http://localhost:{site.port}"


def add_authenticator(cdp) -> str:
    return cdp.send("WebAuthn.addVirtualAuthenticator", {"options": AUTHENTICATOR})["authenticatorId"]


def log_in(page, base: str, username: str) -> None:
    page.goto(base + "/account/login/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    expect(page).to_have_url(re.compile(r"/account/two-factor/$"))


def signed_up(page, site, username: str) -> str:
    """Registers, verifies and logs in (a password alone) at localhost; returns that address."""
    from tests.e2e.test_account_journey import register

    base = localhost(site)
    register(page, site, username, f"{username}@example.com")
    page.goto(base + site.mailbox.last_link(f"{username}@example.com", "/account/verify-email/"))
    page.goto(base + "/account/login/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    expect(page.get_by_role("heading", name="Account settings")).to_be_visible()
    return base


def log_out(page) -> None:
    page.get_by_role("button", name="Log out").click()
    expect(page.get_by_role("status")).to_contain_text("logged out")


def test_security_key_journey(page, site):
    base = signed_up(page, site, "ines")

    cdp = page.context.new_cdp_session(page)
    cdp.send("WebAuthn.enable")
    first = add_authenticator(cdp)

    page.goto(base + "/manage/account/")
    page.get_by_role("link", name="Add a security key").click()
    page.get_by_role("button", name="Add security key").click()  # no name yet
    expect(page.get_by_role("alert")).to_contain_text("Give the key a name")
    page.get_by_label("Key name").fill("Desk key")
    page.get_by_role("button", name="Add security key").click()
    expect(page.get_by_role("status")).to_contain_text("Security key added")
    expect(page.get_by_role("cell", name="Desk key", exact=True)).to_be_visible()
    [credential] = cdp.send("WebAuthn.getCredentials", {"authenticatorId": first})["credentials"]
    log_out(page)

    log_in(page, base, "ines")
    page.get_by_role("button", name="Use security key").click()
    expect(page.get_by_role("heading", name="Account settings")).to_be_visible()
    log_out(page)

    # Another authenticator, never enrolled: it holds no credential for this account.
    cdp.send("WebAuthn.removeVirtualAuthenticator", {"authenticatorId": first})
    stranger = add_authenticator(cdp)
    log_in(page, base, "ines")
    page.get_by_role("button", name="Use security key").click()
    expect(page.get_by_role("alert")).to_contain_text("No security key answered")
    expect(page).to_have_url(re.compile(r"/account/two-factor/$"))

    # A clone: the same private key and credential id, its counter back at zero.
    cdp.send("WebAuthn.removeVirtualAuthenticator", {"authenticatorId": stranger})
    clone = add_authenticator(cdp)
    # The original's count grew at the login above; the clone's starts again from zero.
    cdp.send("WebAuthn.addCredential", {"authenticatorId": clone, "credential": {
        "credentialId": credential["credentialId"], "isResidentCredential": False, "rpId": credential["rpId"],
        "privateKey": credential["privateKey"], "userHandle": credential["userHandle"], "signCount": 0}})
    page.get_by_role("button", name="Use security key").click()
    expect(page.get_by_role("alert")).to_contain_text("looks like a copy")
    expect(page).to_have_url(re.compile(r"/account/two-factor/$"))
    assert any(m["Subject"] == "A copy of your security key was refused" for m in site.mailbox.to("ines@example.com"))


def test_security_key_pages_at_an_ip_address_point_to_localhost(page, site):
    from tests.e2e.test_account_journey import register

    register(page, site, "jules", "jules@example.com")
    page.goto(site.url + site.mailbox.last_link("jules@example.com", "/account/verify-email/"))
    page.goto(site.url + "/account/login/")
    page.get_by_label("Username").fill("jules")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    page.goto(site.url + "/manage/account/webauthn-provision/")
    expect(page.get_by_role("alert")).to_contain_text("Security keys work only at")
    expect(page.get_by_role("link", name=localhost(site))).to_be_visible()
