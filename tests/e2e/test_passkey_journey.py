"""Passkeys in Chromium with the DevTools virtual authenticator (built in, discoverable
credentials, user verification): add a passkey, sign in with it and nothing typed (by the
button, and by autofill on the Username field), use it as the second factor after a
password, and see it refused when the authenticator did not verify the user and once it was
removed. Passkeys need a domain name: this runs at localhost."""
from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import own_site
from tests.e2e.test_account_journey import PASSWORD
from tests.e2e.test_security_key_journey import log_out, signed_up


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    """A stack of its own: the shared one's address makes its hour's worth of accounts (ten)
    in the other modules."""
    yield from own_site(tmp_path_factory)


PLATFORM = {"protocol": "ctap2", "transport": "internal", "hasResidentKey": True, "hasUserVerification": True,
            "isUserVerified": True, "automaticPresenceSimulation": True}


# The login page's passkey steps, run by hand with user verification "discouraged" instead
# of "required": the authenticator then answers without verifying the user.
WITHOUT_VERIFICATION = """async () => {
  const bytes = (text) => Uint8Array.from(atob(text.replace(/-/g, "+").replace(/_/g, "/")), (c) => c.charCodeAt(0));
  const text = (buffer) => btoa(String.fromCharCode(...new Uint8Array(buffer)))
    .replace(/\\+/g, "-").replace(/\\//g, "_").replace(/=+$/, "");
  const button = document.getElementById("passkey-login");
  const post = (url, body) => fetch(url, {method: "POST", body: JSON.stringify(body),
    headers: {"Content-Type": "application/json", "X-CSRF-Token": button.dataset.csrf}});
  const options = await (await post(button.dataset.optionsUrl, {})).json();
  const publicKey = {...options.publicKey, userVerification: "discouraged",
                     challenge: bytes(options.publicKey.challenge)};
  const credential = await navigator.credentials.get({publicKey});
  const response = credential.response;
  const answer = await post(button.dataset.verifyUrl, {challengeId: options.challengeId, credential: {
    id: credential.id, rawId: text(credential.rawId), type: credential.type, clientExtensionResults: {},
    response: {clientDataJSON: text(response.clientDataJSON), authenticatorData: text(response.authenticatorData),
               signature: text(response.signature), userHandle: text(response.userHandle)}}});
  return [answer.status, await answer.json()];
}"""


def sign_in_with_passkey(page, base: str) -> None:
    page.goto(base + "/account/login/")
    page.get_by_role("button", name="Sign in with a passkey").click()


def test_passkey_journey(page, site):
    base = signed_up(page, site, "paz")

    cdp = page.context.new_cdp_session(page)
    cdp.send("WebAuthn.enable")
    device = cdp.send("WebAuthn.addVirtualAuthenticator", {"options": PLATFORM})["authenticatorId"]

    page.get_by_role("link", name="Add a passkey").click()
    page.get_by_label("Passkey name").fill("Laptop")
    page.get_by_role("button", name="Add passkey").click()
    expect(page.get_by_role("status")).to_contain_text("Passkey added")
    expect(page.get_by_role("cell", name="Laptop", exact=True)).to_be_visible()
    [credential] = cdp.send("WebAuthn.getCredentials", {"authenticatorId": device})["credentials"]
    assert credential["isResidentCredential"] is True and credential["userHandle"]
    assert any(m["Subject"] == "A passkey was added to your cheeseshop account"
               for m in site.mailbox.to("paz@example.com"))
    log_out(page)

    # No username, no password: the passkey alone.
    sign_in_with_passkey(page, base)
    expect(page.get_by_role("heading", name="Account settings")).to_be_visible()
    expect(page.get_by_text("Logged in: with passkey “Laptop”").first).to_be_visible()
    assert any(m["Subject"] == "Signed in to cheeseshop with a passkey" for m in site.mailbox.to("paz@example.com"))
    log_out(page)

    # Autofill (conditional mediation): the Username field offers the passkey once it has
    # focus; this authenticator answers at once, as if the user picked it from the list.
    page.goto(base + "/account/login/")
    page.get_by_label("Username").click()
    expect(page.get_by_role("heading", name="Account settings")).to_be_visible()
    log_out(page)

    # After a password, the passkey is the second factor. The authenticator waits for a touch
    # meanwhile, so the autofill request started on the Username field does not answer first.
    cdp.send("WebAuthn.setAutomaticPresenceSimulation", {"authenticatorId": device, "enabled": False})
    page.goto(base + "/account/login/")
    page.get_by_label("Username").fill("paz")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    expect(page).to_have_url(re.compile(r"/account/two-factor/$"))
    cdp.send("WebAuthn.setAutomaticPresenceSimulation", {"authenticatorId": device, "enabled": True})
    page.get_by_role("button", name="Use security key").click()
    expect(page.get_by_role("heading", name="Account settings")).to_be_visible()
    log_out(page)

    # The authenticator did not verify the user (no PIN, no fingerprint): the browser refuses,
    # since the site asks for verification; and a script that asks the browser for less gets an
    # answer the site refuses.
    cdp.send("WebAuthn.setUserVerified", {"authenticatorId": device, "isUserVerified": False})
    sign_in_with_passkey(page, base)
    expect(page.get_by_role("alert")).to_contain_text("No passkey answered")
    status, answer = page.evaluate(WITHOUT_VERIFICATION)
    assert status == 401 and "This passkey was not accepted" in answer["error"], answer
    page.goto(base + "/manage/account/")
    expect(page).to_have_url(re.compile(r"/account/login/"))
    cdp.send("WebAuthn.setUserVerified", {"authenticatorId": device, "isUserVerified": True})

    # Removed from the account: the authenticator still offers it, the site refuses it.
    sign_in_with_passkey(page, base)
    expect(page.get_by_role("heading", name="Account settings")).to_be_visible()
    row = page.get_by_role("row").filter(has_text="Laptop")
    row.get_by_label("Password").fill(PASSWORD)
    row.get_by_role("button", name="Remove passkey Laptop").click()
    expect(page.get_by_role("status")).to_contain_text("Passkey removed")
    log_out(page)
    sign_in_with_passkey(page, base)
    expect(page.get_by_role("alert")).to_contain_text("This passkey was not accepted")
    expect(page).to_have_url(re.compile(r"/account/login/$"))
