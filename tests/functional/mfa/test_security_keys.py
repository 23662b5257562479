"""Security keys through the pages' JSON steps, with a software authenticator."""
from __future__ import annotations

import pytest
from freezegun import freeze_time

from chalicelib.accounts import sessions
from chalicelib.accounts.models import User
from chalicelib.events.models import Event
from chalicelib.mfa.models import Challenge, WebAuthnKey
from chalicelib.packaging.permissions import creator_role
from tests.functional.conftest import PASSWORD, password_step, register
from tests.helpers import Browser
from tests.softkey import SoftKey, b64url

PROVISION = "/manage/account/webauthn-provision/"


@pytest.fixture(autouse=True)
def frozen():
    with freeze_time("2026-06-01 12:00:05") as clock:
        yield clock


def new_key() -> SoftKey:
    return SoftKey(rp_id="cheeseshop.test", origin="http://cheeseshop.test")


def start(browser: Browser, label: str, provision: str = PROVISION) -> tuple[int, dict, str]:
    """The enrollment page's first step: the options for the browser, and the page's CSRF token."""
    csrf = browser.get(provision).csrf()
    status, body = browser.post_json(provision + "options", {"label": label}, csrf)
    return status, body, csrf


def enroll(browser: Browser, key: SoftKey, label: str = "Blue key") -> tuple[int, dict]:
    status, options, csrf = start(browser, label)
    assert status == 200, options
    return browser.post_json(PROVISION + "verify", {"challengeId": options["challengeId"], "label": label,
                                                    "credential": key.register(options["publicKey"])}, csrf)


def key_login(browser: Browser, key: SoftKey, **wrong) -> tuple[int, dict]:
    page = browser.get("/account/two-factor/")
    csrf = page.csrf()
    status, options = browser.post_json("/account/webauthn/options", {}, csrf)
    assert status == 200, options
    return browser.post_json("/account/webauthn/verify", {"challengeId": options["challengeId"],
                                                          "credential": key.sign(options["publicKey"], **wrong)}, csrf)


@pytest.fixture
def enrolled(alice) -> SoftKey:
    key = new_key()
    status, body = enroll(alice, key)
    assert status == 200 and body["redirect"] == "/manage/account/?notice=webauthn-added"
    return key


def test_enrollment_page(alice):
    page = alice.get(PROVISION)
    assert page.status == 200
    assert '<label for="label">Key name</label>' in page.text and ">Add security key</button>" in page.text
    assert '<script src="/static/webauthn.js" defer></script>' in page.text
    assert alice.get("/static/webauthn.js").headers["Content-Type"].startswith("text/javascript")


def test_enrollment_stores_the_key_and_tells_the_user(alice, enrolled, mailbox):
    [stored] = list(WebAuthnKey.by_user.query("alice"))
    assert stored.credential_id == b64url(enrolled.credential_id) and stored.label == "Blue key"
    assert stored.public_key and stored.sign_count == 0 and stored.transports == ["usb"]
    assert User.get("alice").webauthn_keys == 1
    assert "account:two-factor:webauthn:add" in [e.tag for e in Event.query("alice")]
    mail = mailbox.to("alice@example.com")[-1].get_body(("plain",)).get_content()
    assert "security key named “Blue key” was added" in mail
    page = alice.get("/manage/account/")
    assert "Blue key" in page.text and "Never" in page.text
    assert Challenge.count() == 0  # used challenges are gone


@pytest.mark.parametrize("label, message", [
    ("", "Give the key a name"), ("   ", "Give the key a name"), ("k" * 65, "at most 64 characters"),
])
def test_key_names_are_required_and_short(alice, label, message):
    status, body, _ = start(alice, label)
    assert status == 400 and message in body["error"]
    assert Challenge.count() == 0


def test_key_names_are_unique_per_user(alice, enrolled):
    status, body, _ = start(alice, "BLUE KEY")
    assert status == 400 and "already have a security key with this name" in body["error"]


def test_enrollment_refuses_without_csrf_or_fresh_password(alice, frozen):
    status, _ = alice.post_json(PROVISION + "options", {"label": "x"}, None)
    assert status == 403
    frozen.tick(16 * 60)
    assert alice.get(PROVISION).location == "/account/reauthenticate/?next=/manage/account/webauthn-provision/"
    status, body = alice.post_json(PROVISION + "options", {"label": "x"}, alice.get("/").csrf())
    assert status == 403 and "confirm your password and second factor" in body["error"]


@pytest.mark.parametrize("wrong", [{"origin": "http://evil.example"}, {"rp_id": "evil.example"},
                                   {"user_present": False}, {"challenge": b64url(b"not the challenge")}])
def test_a_bad_answer_stores_nothing(alice, wrong):
    status, options, csrf = start(alice, "Key")
    credential = new_key().register(options["publicKey"], **wrong)
    status, body = alice.post_json(PROVISION + "verify", {"challengeId": options["challengeId"], "label": "Key",
                                                          "credential": credential}, csrf)
    assert status == 400 and "could not be verified" in body["error"]
    assert WebAuthnKey.count() == 0 and User.get("alice").webauthn_keys is None


def test_a_challenge_works_once_and_expires(alice, frozen):
    key = new_key()
    status, options, csrf = start(alice, "Key")
    payload = {"challengeId": options["challengeId"], "label": "Key", "credential": key.register(options["publicKey"])}
    assert alice.post_json(PROVISION + "verify", payload, csrf)[0] == 200
    status, body = alice.post_json(PROVISION + "verify", {**payload, "label": "Other"}, csrf)
    assert status == 400 and "expired or was already used" in body["error"]

    status, options, csrf = start(alice, "Late")
    frozen.tick(301)
    status, body = alice.post_json(PROVISION + "verify", {"challengeId": options["challengeId"], "label": "Late",
                                                          "credential": new_key().register(options["publicKey"])}, csrf)
    assert status == 400 and "expired" in body["error"]
    assert [k.label for k in WebAuthnKey.by_user.query("alice")] == ["Key"]


def test_a_credential_belongs_to_one_account(alice, enrolled, client, mailbox):
    bob = Browser(client)
    register(bob, "bob")
    bob.get(mailbox.last_link("bob@example.com", "/account/verify-email/"))
    password_step(bob, "bob")
    status, body = enroll(bob, enrolled, "Borrowed")
    assert status == 400 and "already registered" in body["error"]
    assert User.get("bob").webauthn_keys is None


def test_login_with_the_key(alice, enrolled, client):
    browser = Browser(client)
    assert password_step(browser).location == "/account/two-factor/"
    page = browser.get("/account/two-factor/")
    assert ">Use security key</button>" in page.text
    assert "Authentication code" not in page.text  # no authenticator app on this account
    status, body = key_login(browser, enrolled)
    assert status == 200 and body["redirect"] == "/manage/account/"
    assert sessions.SESSION_COOKIE in browser.cookies and browser.get("/manage/account/").status == 200
    stored = WebAuthnKey.get(b64url(enrolled.credential_id))
    assert stored.sign_count == 1 and stored.last_used_at is not None


def test_a_key_never_enrolled_cannot_log_in(alice, enrolled, client):
    browser = Browser(client)
    password_step(browser)
    status, body = key_login(browser, new_key())
    assert status == 401 and "not accepted" in body["error"]
    assert sessions.SESSION_COOKIE not in browser.cookies


def test_a_cloned_key_is_refused_recorded_and_mailed(alice, enrolled, client, mailbox):
    browser = Browser(client)
    password_step(browser)
    assert key_login(browser, enrolled)[0] == 200
    copy = enrolled.clone()
    thief = Browser(client)
    password_step(thief)
    status, body = key_login(thief, copy)
    assert status == 401 and "looks like a copy" in body["error"]
    assert sessions.SESSION_COOKIE not in thief.cookies
    assert "account:two-factor:webauthn:cloned" in [e.tag for e in Event.query("alice")]
    assert mailbox.to("alice@example.com")[-1]["Subject"] == "A copy of your security key was refused"


def test_key_answers_need_a_pending_login(client, enrolled):
    browser = Browser(client)
    csrf = browser.get("/account/login/").csrf()
    status, body = browser.post_json("/account/webauthn/options", {}, csrf)
    assert status == 401


def test_wrong_keys_share_the_two_factor_limit(alice, enrolled, client):
    browser = Browser(client)
    password_step(browser)
    for _ in range(5):
        assert key_login(browser, new_key())[0] == 401
    page = browser.get("/account/two-factor/")
    status, body = browser.post_json("/account/webauthn/options", {}, page.csrf())
    options = body
    status, body = browser.post_json("/account/webauthn/verify", {
        "challengeId": options["challengeId"], "credential": enrolled.sign(options["publicKey"])}, page.csrf())
    assert status == 429 and "Too many" in body["error"]


def remove(browser: Browser, key: SoftKey, password: str):
    credential_id = b64url(key.credential_id)
    token = browser.get("/manage/account/").csrf()
    return browser.post("/manage/account/webauthn/remove/", {"credential_id": credential_id,
                                                             f"password-{credential_id}": password}, csrf=token)


def test_removal_needs_the_password_and_frees_the_name(alice, enrolled, mailbox):
    refused = remove(alice, enrolled, "wrong")
    assert refused.status == 400 and "password is not correct" in refused.text
    assert remove(alice, enrolled, PASSWORD).location == "/manage/account/?notice=webauthn-removed"
    assert WebAuthnKey.count() == 0 and User.get("alice").webauthn_keys == 0
    assert "removed" in mailbox.to("alice@example.com")[-1].get_body(("plain",)).get_content()
    assert enroll(alice, new_key(), "Blue key")[0] == 200


def test_the_last_factor_of_a_maintainer_stays(alice, enrolled):
    creator_role("alice", "sampleproject", "SampleProject").save()
    assert alice.get("/manage/projects/").status == 200  # a key satisfies the mandate
    refused = remove(alice, enrolled, PASSWORD)
    assert refused.status == 400 and "You maintain projects" in refused.text
    assert WebAuthnKey.count() == 2  # the key and its name guard


def test_challenges_are_rate_limited(alice):
    for _ in range(30):
        assert start(alice, "Blue key")[0] == 200
    status, body, _ = start(alice, "Blue key")
    assert status == 429 and "Too many security key requests" in body["error"]
    assert Challenge.count() == 30
