"""An administrator (with an authenticator app, freshly logged in), and helpers to use the pages."""
from __future__ import annotations

import pytest

from chalicelib.admin import users
from chalicelib.core.origin import Origin
from tests.functional.packaging.conftest import member, published, user  # noqa: F401 (fixtures)
from tests.helpers import Browser, Page


def grant(name: str) -> None:
    assert users.grant(name, Origin(), by="tests (command line)")


@pytest.fixture
def root(client, mailbox) -> Browser:
    """An administrator: registered, with an authenticator app, granted, in sudo mode."""
    browser = user(client, mailbox, "root")
    grant("root")
    return browser


def act(browser: Browser, page_path: str, action: str, data: dict[str, str]) -> Page:
    """GET a page, then POST one of its forms with the page's CSRF token."""
    page = browser.get(page_path)
    assert page.status == 200, page.text
    return browser.post(action, data, csrf=page.csrf())


def switches(browser: Browser, *, registrations: bool, projects: bool) -> Page:
    data = {k: "on" for k, on in (("registrations", registrations), ("projects", projects)) if on}
    return act(browser, "/admin/", "/admin/", data)
