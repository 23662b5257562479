"""alice, Owner of the organization acme, and its members."""
from __future__ import annotations

import pytest

from tests.functional.admin.conftest import act, root  # noqa: F401 (a fixture)
from tests.functional.packaging.conftest import user
from tests.helpers import Browser

MANAGE = "/manage/organization/acme/"


@pytest.fixture
def owner(client, alice, token) -> Browser:
    """alice, with two-factor (and an all-projects token), Owner of the organization acme."""
    made = act(alice, "/manage/organizations/", "/manage/organizations/",
               {"name": "Acme", "display_name": "Acme Cheese Co."})
    assert made.status == 303 and made.location.endswith(MANAGE + "?notice=organization-created")
    return alice


def join(owner: Browser, browser: Browser, mailbox, name: str, role: str) -> None:
    assert act(owner, MANAGE, MANAGE + "invite/", {"username": name, "role": role}).status == 303
    link = mailbox.last_link(f"{name}@example.com", "/account/organization-invitation/")
    page = browser.get(link)
    assert page.status == 200 and "Acme Cheese Co." in page.text
    answered = browser.post("/account/organization-invitation/", {"token": link.split("token=")[1],
                                                                   "answer": "accept"}, csrf=page.csrf())
    assert answered.status == 303, answered.text


@pytest.fixture
def team(client, mailbox, owner):
    """bob a Manager and carol a Member of acme."""
    bob, carol = user(client, mailbox, "bob"), user(client, mailbox, "carol")
    join(owner, bob, mailbox, "bob", "Manager")
    join(owner, carol, mailbox, "carol", "Member")
    return bob, carol


