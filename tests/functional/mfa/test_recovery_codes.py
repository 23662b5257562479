"""Recovery codes: generated when a factor exists, shown once, stored hashed, used once."""
from __future__ import annotations

import re

import pytest
from freezegun import freeze_time

from chalicelib.accounts import sessions
from chalicelib.accounts.models import User
from chalicelib.events.models import Event
from tests.functional.conftest import code_step, enroll_totp, password_step
from tests.helpers import Browser

RECOVERY = "/account/recovery-code/"


@pytest.fixture(autouse=True)
def frozen():
    with freeze_time("2026-06-01 12:00:05") as clock:
        yield clock


def generate(browser: Browser) -> list[str]:
    page = browser.get("/manage/account/recovery-codes/")
    done = browser.post("/manage/account/recovery-codes/", {}, csrf=page.csrf())
    assert done.status == 200, done.text
    return re.findall(r"<li><code>([0-9a-f]{16})</code></li>", done.text)


@pytest.fixture
def codes(alice) -> list[str]:
    enroll_totp(alice)
    return generate(alice)


def test_eight_codes_shown_once_and_stored_as_keyed_hashes(alice, codes, mailbox):
    assert len(codes) == 8 and len(set(codes)) == 8
    stored = User.get("alice").recovery_codes
    assert len(stored) == 8 and not set(codes) & stored
    assert not any(code in "".join(stored) for code in codes)
    again = alice.get("/manage/account/recovery-codes/")
    assert "You have 8 unused recovery codes" in again.text
    assert not any(code in again.text for code in codes)
    assert mailbox.to("alice@example.com")[-1]["Subject"] == "New recovery codes for your cheeseshop account"


def test_generating_needs_a_second_factor(alice):
    page = alice.get("/manage/account/recovery-codes/")
    assert "Add a second factor first" in page.text and "Generate recovery codes" not in page.text
    refused = alice.post("/manage/account/recovery-codes/", {}, csrf=page.csrf())
    assert refused.status == 400 and User.get("alice").recovery_codes is None


def test_generating_needs_a_recent_password(alice, codes, frozen):
    frozen.tick(16 * 60)
    page = alice.get("/manage/account/recovery-codes/")
    refused = alice.post("/manage/account/recovery-codes/", {}, csrf=page.csrf())
    assert refused.location == "/account/reauthenticate/?next=/manage/account/recovery-codes/"


def test_log_in_with_a_code_once(client, codes, mailbox):
    browser = Browser(client)
    password_step(browser)
    done = code_step(browser, codes[3].upper(), RECOVERY)
    assert done.status == 303 and done.location.startswith("/manage/account/recovery-codes/")
    assert sessions.SESSION_COOKIE in browser.cookies
    assert "account:recovery-codes:use" in [e.tag for e in Event.query("alice")]
    assert "7 unused codes remain" in mailbox.to("alice@example.com")[-1].get_body(("plain",)).get_content()

    again = Browser(client)
    password_step(again)
    refused = code_step(again, codes[3], RECOVERY)
    assert refused.status == 401 and "The code is not valid" in refused.text
    assert sessions.SESSION_COOKIE not in again.cookies


def test_regenerating_replaces_every_old_code(alice, client, codes):
    new = generate(alice)
    browser = Browser(client)
    password_step(browser)
    assert code_step(browser, codes[0], RECOVERY).status == 401
    assert code_step(browser, new[0], RECOVERY).status == 303


def test_wrong_recovery_codes_count_against_the_shared_limit(client, codes):
    browser = Browser(client)
    password_step(browser)
    for _ in range(5):
        assert code_step(browser, "0" * 16, RECOVERY).status == 401
    assert code_step(browser, codes[0], RECOVERY).status == 429
    assert code_step(browser, "123456").status == 429
