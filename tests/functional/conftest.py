from __future__ import annotations

import re
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import botocore.client
import pyotp
import pytest
from botocore.exceptions import EndpointConnectionError, ReadTimeoutError
from chalice.test import Client
from freezegun import freeze_time
from moto import mock_aws

from tests.conftest import ROOT
from tests.helpers import Browser, Mailbox

PASSWORD = "correct horse battery staple"


@pytest.fixture
def env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    from argon2 import PasswordHasher

    from chalicelib.accounts import passwords

    # Still argon2id, at its cheapest work factor: a tenth of the time of the site's own, which
    # the unit tests and the end-to-end tests (against `make run`) keep.
    monkeypatch.setattr(passwords, "_hasher", PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1))
    mail_dir = tmp_path / "mail"
    monkeypatch.setenv("CHEESESHOP_STAGE", "test")
    monkeypatch.setenv("CHEESESHOP_SECRET_KEY", "functional-test-secret")
    monkeypatch.setenv("CHEESESHOP_MAIL_DIR", str(mail_dir))
    monkeypatch.setenv("CHEESESHOP_BASE_URL", "http://cheeseshop.test")
    # A login by code from an unseen browser waits for a mailed link (on by default, as the
    # end-to-end stack runs it); the tests of that hold (tests/functional/accounts/test_new_devices.py)
    # turn it on, the others log in from fresh browsers as they always have.
    monkeypatch.setenv("CHEESESHOP_CONFIRM_NEW_DEVICES", "0")
    return mail_dir


@pytest.fixture
def aws(env: Path) -> Iterator[None]:
    from chalicelib import provision, registry
    from chalicelib.core.config import get_settings

    with mock_aws():
        registry.reset()
        provision.ensure_all(get_settings())
        yield
        registry.reset()


@pytest.fixture
def client(aws: None) -> Iterator[Client]:
    from app import app

    with Client(app, stage_name="test", project_dir=str(ROOT)) as chalice_client:
        yield chalice_client


@pytest.fixture
def frozen() -> Iterator[Any]:
    """Frozen time; ask for it before the fixtures that log in, so they share its clock."""
    with freeze_time("2026-06-01 12:00:05") as clock:
        yield clock


@pytest.fixture
def browser(client: Client) -> Browser:
    return Browser(client)


@pytest.fixture
def mailbox(env: Path) -> Mailbox:
    return Mailbox(env)


def register(browser: Browser, username: str = "alice", email: str | None = None,
             password: str = PASSWORD) -> None:
    page = browser.submit("/account/register/", {
        "username": username, "full_name": username.title(), "email": email or f"{username}@example.com",
        "password": password, "password_confirm": password,
    })
    assert page.status == 303, page.text


def login(browser: Browser, username: str = "alice", password: str = PASSWORD) -> None:
    page = browser.submit("/account/login/", {"username": username, "password": password})
    assert page.status == 303, page.text


@pytest.fixture
def alice(browser: Browser, mailbox: Mailbox) -> Browser:
    """A registered, verified and logged-in user."""
    register(browser)
    assert browser.get(mailbox.last_link("alice@example.com", "/account/verify-email/")).status == 303
    login(browser)
    return browser


SECRET_RE = re.compile(r'<code id="totp-secret">([A-Z2-7]+)</code>')


def totp_code(secret: str, offset_steps: int = 0) -> str:
    """The code an authenticator app shows now (plus or minus whole steps), from the clock."""
    return pyotp.TOTP(secret).at(time.time() + 30 * offset_steps)


def enroll_totp(browser: Browser) -> str:
    """Adds an authenticator app through the pages; returns the secret the page showed."""
    page = browser.get("/manage/account/totp-provision/")
    assert page.status == 200, page.text
    secret = SECRET_RE.search(page.text).group(1)
    token = re.search(r'name="setup_token" value="([^"]+)"', page.text).group(1)
    done = browser.post("/manage/account/totp-provision/", {"setup_token": token, "code": totp_code(secret)},
                        csrf=page.csrf())
    assert done.status == 303, done.text
    return secret


def password_step(browser: Browser, username: str = "alice", password: str = PASSWORD):
    return browser.submit("/account/login/", {"username": username, "password": password})


def code_step(browser: Browser, code: str, path: str = "/account/two-factor/"):
    page = browser.get(path)
    assert page.status == 200, page.text
    return browser.post(path, {"code": code}, csrf=page.csrf())


TOKEN_RE = re.compile(r'<code id="new-token">([^<]+)</code>')


def make_token(browser: Browser, name: str = "ci", scope: str = "", expires: str = "",
               permissions: str = "upload") -> str:
    page = browser.get("/manage/account/token/")
    made = browser.post("/manage/account/token/", {"name": name, "scope": scope, "expires": expires,
                                                   "permissions": permissions}, csrf=page.csrf())
    assert made.status == 200, made.text
    return TOKEN_RE.search(made.text).group(1)


@pytest.fixture
def token(alice: Browser) -> str:
    """An all-projects API token of alice, who has an authenticator app."""
    enroll_totp(alice)
    return make_token(alice)


class Faults:
    """Makes one store call fail: cleanly (the request never left), ambiguously (it was carried
    out and the answer lost), or retried (carried out, its answer lost, and sent again by the
    SDK, which then answers what the second attempt got: a transaction's condition fails on its
    own first write, as a store without idempotency tokens answers). Counts the calls of what
    runs after arm()."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch) -> None:
        self.calls: list[str] = []
        self.fail_at: int | None = None
        self.ambiguous = self.retried = False
        real = botocore.client.BaseClient._make_api_call

        def call(client, operation, params):
            self.calls.append(operation)
            if len(self.calls) != self.fail_at:
                return real(client, operation, params)
            if not self.ambiguous:
                raise EndpointConnectionError(endpoint_url="http://store.test")
            real(client, operation, params)
            if self.retried:
                return real(client, operation, params)
            raise ReadTimeoutError(endpoint_url="http://store.test")
        monkeypatch.setattr(botocore.client.BaseClient, "_make_api_call", call)

    def arm(self, at: int, ambiguous: bool, retried: bool = False) -> None:
        self.calls, self.fail_at, self.ambiguous, self.retried = [], at, ambiguous or retried, retried
