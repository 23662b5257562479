"""A published project of alice's, and more users to invite to it."""
from __future__ import annotations

from collections.abc import Callable

import pytest

from tests import distributions as d
from tests.functional.conftest import enroll_totp, login, make_token, register
from tests.functional.forklift.test_upload import upload
from tests.helpers import Browser, Mailbox

PROJECT = "/manage/project/cheese-demo/"


@pytest.fixture
def published(client, token):
    for content, filename in ((d.wheel(), d.wheel_name()), (d.sdist(), d.sdist_name())):
        assert upload(client, d.basic(token), content, filename)[0] == 200
    return client


def user(client, mailbox: Mailbox, name: str, two_factor: bool = True) -> Browser:
    """A registered, verified, logged-in user; with an authenticator app unless told otherwise."""
    browser = Browser(client)
    register(browser, name)
    assert browser.get(mailbox.last_link(f"{name}@example.com", "/account/verify-email/")).status == 303
    login(browser, name)
    if two_factor:
        enroll_totp(browser)
    return browser


def invite(owner: Browser, username: str, role: str = "Maintainer"):
    page = owner.get(PROJECT + "collaborators/")
    assert page.status == 200, page.text
    return owner.post(PROJECT + "collaborators/invite/", {"username": username, "role": role}, csrf=page.csrf())


def accept(browser: Browser, mailbox: Mailbox, username: str, answer: str = "accept"):
    link = mailbox.last_link(f"{username}@example.com", "/account/invitation/")
    page = browser.get(link)
    assert page.status == 200, page.text
    return browser.post("/account/invitation/", {"token": link.split("token=")[1], "answer": answer},
                        csrf=page.csrf())


@pytest.fixture
def member(client, mailbox, alice, published) -> Callable[..., Browser]:
    """A user with this role on alice's cheese-demo, by invitation and acceptance."""
    def make(name: str, role: str) -> Browser:
        browser = user(client, mailbox, name)
        assert invite(alice, name, role).status == 303
        assert accept(browser, mailbox, name).status == 303
        return browser
    return make


@pytest.fixture
def token_of() -> Callable[[Browser, str], str]:
    return lambda browser, name: make_token(browser, name)
