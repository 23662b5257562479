"""Passkeys through the pages' JSON steps, with a software authenticator: adding one,
signing in with it alone, using it as a second factor, and every way a sign-in is refused."""
from __future__ import annotations

import pytest

from chalicelib.accounts import sessions
from chalicelib.accounts.models import User
from chalicelib.core import clock
from chalicelib.events.models import Event
from chalicelib.mfa.models import Challenge, WebAuthnKey
from chalicelib.packaging.permissions import creator_role
from tests.functional.conftest import PASSWORD, password_step, register
from tests.functional.mfa.test_security_keys import (
    frozen,  # noqa: F401 (the same frozen clock, for every test)
    key_login,
    new_key,
    remove,
)
from tests.functional.mfa.test_security_keys import start as start_enrollment
from tests.helpers import Browser
from tests.softkey import SoftKey, b64url

PROVISION = "/manage/account/passkey-provision/"


def start(browser: Browser, label: str) -> tuple[int, dict, str]:
    return start_enrollment(browser, label, PROVISION)


def add(browser: Browser, key: SoftKey, label: str = "Laptop", *, user_verified: bool = True,
        kept: bool | None = None) -> tuple[int, dict]:
    status, options, csrf = start(browser, label)
    assert status == 200, options
    credential = key.register(options["publicKey"], user_verified=user_verified)
    if kept is not None:
        credential["clientExtensionResults"] = {"credProps": {"rk": kept}}
    return browser.post_json(PROVISION + "verify", {"challengeId": options["challengeId"], "label": label,
                                                    "credential": credential}, csrf)


def sign_in(browser: Browser, key: SoftKey, next_path: str = "", **answer) -> tuple[int, dict]:
    """The login page's passkey button: options for any passkey, then the authenticator's answer."""
    csrf = browser.get("/account/login/").csrf()
    status, options = browser.post_json("/account/passkey/options", {}, csrf)
    assert status == 200, options
    answer.setdefault("user_verified", True)
    return browser.post_json("/account/passkey/verify", {
        "challengeId": options["challengeId"], "next": next_path,
        "credential": key.sign(options["publicKey"], **answer)}, csrf)


def said(mail) -> str:
    """A mail's text, its lines joined."""
    return " ".join(mail.get_body(("plain",)).get_content().split())


@pytest.fixture
def passkey(alice) -> SoftKey:
    key = new_key()
    status, body = add(alice, key)
    assert status == 200 and body["redirect"] == "/manage/account/?notice=passkey-added"
    return key


def test_the_page_asks_for_a_name(alice):
    page = alice.get(PROVISION)
    assert page.status == 200
    assert '<label for="label">Passkey name</label>' in page.text and ">Add passkey</button>" in page.text
    assert '<script src="/static/webauthn.js" defer></script>' in page.text


def test_registration_asks_for_a_discoverable_credential_that_verifies_the_user(alice):
    status, options, _ = start(alice, "Laptop")
    selection = options["publicKey"]["authenticatorSelection"]
    assert selection["residentKey"] == "required" and selection["requireResidentKey"] is True
    assert selection["userVerification"] == "required"
    assert options["publicKey"]["extensions"] == {"credProps": True}


def test_adding_a_passkey_stores_it_lists_it_and_tells_the_user(alice, passkey, mailbox):
    [stored] = list(WebAuthnKey.by_user.query("alice"))
    assert stored.credential_id == b64url(passkey.credential_id) and stored.label == "Laptop"
    assert stored.passkey is True and stored.user_handle == passkey.user_handle
    assert User.get("alice").webauthn_keys == 1
    assert "account:passkey:add" in [e.tag for e in Event.query("alice")]
    mail = mailbox.to("alice@example.com")[-1]
    assert mail["Subject"] == "A passkey was added to your cheeseshop account"
    assert "passkey named “Laptop” was added" in said(mail)
    page = alice.get("/manage/account/")
    assert page.text.index("<h3>Passkeys</h3>") < page.text.index("Laptop")
    assert "No security keys yet." in page.text and "A passkey was added" in page.text
    assert 'aria-label="Remove passkey Laptop"' in page.text
    assert Challenge.count() == 0


@pytest.mark.parametrize("how, message", [
    ({"user_verified": False}, "it must confirm it is you"),
    ({"kept": False}, "could not keep a passkey"),
])
def test_a_passkey_that_would_not_verify_the_user_or_was_not_kept_is_refused(alice, how, message):
    status, body = add(alice, new_key(), **how)
    assert status == 400 and message in body["error"]
    assert WebAuthnKey.count() == 0 and not User.get("alice").webauthn_keys


def test_names_are_shared_with_security_keys(alice, passkey):
    status, body, _ = start(alice, "laptop")
    assert status == 400 and "passkey or a security key with this name" in body["error"]


def test_the_login_page_offers_passkeys(client):
    page = Browser(client).get("/account/login/")
    assert 'autocomplete="username webauthn"' in page.text
    assert ">Sign in with a passkey</button>" in page.text


def test_sign_in_with_the_passkey_alone(passkey, client, mailbox):
    browser = Browser(client)
    status, body = sign_in(browser, passkey, next_path="/manage/projects/")
    assert status == 200 and body["redirect"] == "/manage/projects/"
    assert sessions.SESSION_COOKIE in browser.cookies and browser.get("/manage/account/").status == 200
    stored = WebAuthnKey.get(b64url(passkey.credential_id))
    assert stored.sign_count == 1 and stored.last_used_at == clock.now()
    [login] = [e for e in Event.query("alice") if e.tag == "account:login:success" and e.detail.startswith("passkey")]
    assert login.detail == "passkey:Laptop"
    assert "Logged in: with passkey “Laptop”" in browser.get("/manage/account/").text
    mail = mailbox.to("alice@example.com")[-1]
    assert mail["Subject"] == "Signed in to cheeseshop with a passkey"
    assert "your passkey named “Laptop”" in said(mail)


def test_an_outside_next_is_ignored(passkey, client):
    status, body = sign_in(Browser(client), passkey, next_path="//evil.example/")
    assert status == 200 and body["redirect"] == "/manage/account/"


@pytest.fixture
def bobs_handle(client, mailbox) -> str:
    bob = Browser(client)
    register(bob, "bob")
    assert bob.get(mailbox.last_link("bob@example.com", "/account/verify-email/")).status == 303
    assert password_step(bob, "bob").status == 303
    key = new_key()
    assert add(bob, key)[0] == 200
    return str(key.user_handle)


def refused(browser: Browser, status: int, body: dict, text: str = "This passkey was not accepted") -> None:
    assert status == 401 and text in body["error"], body
    assert sessions.SESSION_COOKIE not in browser.cookies


def test_another_users_handle_is_refused(passkey, bobs_handle, client):
    browser = Browser(client)
    refused(browser, *sign_in(browser, passkey, user_handle=bobs_handle))
    failures = [e.detail for e in Event.query("alice") if e.tag == "account:login:failure"]
    assert failures == ["passkey:Laptop"]
    assert not [e for e in Event.query("bob") if e.tag == "account:login:success" and e.detail]


def test_a_missing_handle_is_refused(passkey, client):
    browser = Browser(client)
    passkey.user_handle = None
    refused(browser, *sign_in(browser, passkey))


def test_an_answer_that_did_not_verify_the_user_is_refused(passkey, client):
    browser = Browser(client)
    refused(browser, *sign_in(browser, passkey, user_verified=False))


def test_a_cloned_passkey_is_refused_recorded_and_mailed(passkey, client, mailbox):
    assert sign_in(Browser(client), passkey)[0] == 200
    thief = Browser(client)
    refused(thief, *sign_in(thief, passkey.clone()), text="looks like a copy of your registered passkey")
    assert "account:two-factor:webauthn:cloned" in [e.tag for e in Event.query("alice")]
    assert mailbox.to("alice@example.com")[-1]["Subject"] == "A copy of your passkey was refused"


def test_an_unknown_credential_is_refused(passkey, client):
    browser = Browser(client)
    stranger = new_key()
    stranger.user_handle = passkey.user_handle
    refused(browser, *sign_in(browser, stranger))


def test_a_security_key_cannot_sign_in_alone(alice, client):
    from tests.functional.mfa.test_security_keys import enroll, new_key

    key = new_key()
    assert enroll(alice, key)[0] == 200
    key.user_handle = b64url(b"x" * 32)
    browser = Browser(client)
    refused(browser, *sign_in(browser, key))


def test_a_challenge_answers_once(passkey, client):
    browser = Browser(client)
    csrf = browser.get("/account/login/").csrf()
    _, options = browser.post_json("/account/passkey/options", {}, csrf)
    answer = {"challengeId": options["challengeId"],
              "credential": passkey.sign(options["publicKey"], user_verified=True)}
    assert browser.post_json("/account/passkey/verify", answer, csrf)[0] == 200
    again = Browser(client)
    status, body = again.post_json("/account/passkey/verify", answer, again.get("/account/login/").csrf())
    assert status == 400 and sessions.SESSION_COOKIE not in again.cookies


def test_failed_sign_ins_are_rate_limited(passkey, client):
    browser = Browser(client)
    for _ in range(10):
        assert sign_in(browser, passkey, user_verified=False)[0] == 401
    status, body = sign_in(browser, passkey)
    assert status == 429 and "Too many failed login attempts" in body["error"]
    assert sessions.SESSION_COOKIE not in browser.cookies


def test_a_suspended_account_cannot_sign_in(passkey, client):
    User("alice").update(actions=[User.suspended_at.set(clock.now()), User.suspension_reason.set("spam")])
    browser = Browser(client)
    status, body = sign_in(browser, passkey)
    assert status == 403 and "suspended" in body["error"]
    assert sessions.SESSION_COOKIE not in browser.cookies


def test_after_a_password_the_passkey_is_the_second_factor(passkey, client):
    browser = Browser(client)
    assert password_step(browser).location == "/account/two-factor/"
    status, body = key_login(browser, passkey)  # no user verification asked for a second factor
    assert status == 200 and body["redirect"] == "/manage/account/"
    assert "passkey:Laptop" in [e.detail for e in Event.query("alice") if e.tag == "account:login:success"]


def test_a_removed_passkey_signs_in_no_more(alice, passkey, client, mailbox):
    assert remove(alice, passkey, PASSWORD).location == "/manage/account/?notice=passkey-removed"
    assert "account:passkey:remove" in [e.tag for e in Event.query("alice")]
    assert "passkey named “Laptop” was removed" in \
        said(mailbox.to("alice@example.com")[-1])
    browser = Browser(client)
    refused(browser, *sign_in(browser, passkey))


def test_a_passkey_is_two_factor_for_the_mandate(alice, passkey):
    creator_role("alice", "sampleproject", "SampleProject").save()
    assert alice.get("/manage/projects/").status == 200
    refused_removal = remove(alice, passkey, PASSWORD)
    assert refused_removal.status == 400 and "You maintain projects" in refused_removal.text


def test_sign_in_challenges_are_limited_by_address(client):
    browser = Browser(client)
    csrf = browser.get("/account/login/").csrf()
    for _ in range(120):
        assert browser.post_json("/account/passkey/options", {}, csrf)[0] == 200
    status, body = browser.post_json("/account/passkey/options", {}, csrf)
    assert status == 429 and "Too many passkey requests" in body["error"]
