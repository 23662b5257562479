"""Every cell of the permission table, through the pages and /legacy/: an Owner, a Maintainer
and a stranger (logged in, with two-factor) try each action on alice's cheese-demo."""
from __future__ import annotations

import pytest

from tests import distributions as d
from tests.functional.conftest import make_token
from tests.functional.forklift.test_upload import upload
from tests.functional.packaging.conftest import PROJECT, invite, user


def page_post(browser, page: str, action: str, data: dict[str, str]):
    """Posts a form as a browser would, with a CSRF token from any page of the site."""
    return browser.post(PROJECT + action, data, csrf=browser.get("/manage/account/").csrf())


ACTIONS = {
    "see settings": lambda b: b.get(PROJECT),
    "see history": lambda b: b.get(PROJECT + "history/"),
    "see releases": lambda b: b.get(PROJECT + "releases/"),
    "see collaborators": lambda b: b.get(PROJECT + "collaborators/"),
    "yank": lambda b: page_post(b, "releases/", "releases/yank/", {"version": "1.0", "reason": "x"}),
    "un-yank": lambda b: page_post(b, "releases/", "releases/unyank/", {"version": "1.0"}),
    "delete file": lambda b: page_post(b, "releases/", "files/delete/", {"filename": d.wheel_name()}),
    "delete release": lambda b: page_post(b, "releases/", "releases/delete/", {"version": "1.0"}),
    "delete project": lambda b: page_post(b, "", "delete/", {"confirm_name": "cheese-demo"}),
    "invite": lambda b: page_post(b, "collaborators/", "collaborators/invite/", {"username": "dave",
                                                                               "role": "Maintainer"}),
    "revoke invitation": lambda b: page_post(b, "collaborators/", "collaborators/revoke/", {"username": "erin"}),
    "change a role": lambda b: page_post(b, "collaborators/", "collaborators/change/", {"username": "frank",
                                                                                       "role": "Owner"}),
    "remove a collaborator": lambda b: page_post(b, "collaborators/", "collaborators/remove/",
                                                 {"username": "frank"}),
    "leave": lambda b: page_post(b, "", "collaborators/remove/", {"username": "carol"}),
}
OWNER_ONLY = {"see releases", "see collaborators", "yank", "un-yank", "delete file", "delete release",
              "delete project", "invite", "revoke invitation", "change a role", "remove a collaborator"}
MEMBERS = {"see settings", "see history", "leave"}


def expected(role: str | None, action: str) -> bool:
    if role == "Owner":
        return True
    if role == "Maintainer":
        return action in MEMBERS
    return False


@pytest.fixture
def scene(client, mailbox, alice, published, member):
    """carol is the actor; dave can be invited, erin has a pending invitation, frank is a Maintainer."""
    user(client, mailbox, "dave", two_factor=False)
    user(client, mailbox, "erin", two_factor=False)
    assert invite(alice, "erin").status == 303
    member("frank", "Maintainer")
    return client


@pytest.mark.parametrize("role", ["Owner", "Maintainer", None])
@pytest.mark.parametrize("action", sorted(ACTIONS))
def test_each_role_and_action(scene, mailbox, member, client, role, action):
    carol = member("carol", role) if role else user(client, mailbox, "carol")
    done = ACTIONS[action](carol)
    if expected(role, action):
        assert done.status in (200, 303), (done.status, done.text)
    else:
        assert done.status == 404, (done.status, done.text)
        assert "cheese-demo" in client.http.get("/simple/cheese-demo/").body.decode()  # nothing changed


@pytest.mark.parametrize("role", ["Owner", "Maintainer", None])
def test_uploads(scene, mailbox, member, client, role):
    carol = member("carol", role) if role else user(client, mailbox, "carol")
    token = make_token(carol)
    status, text = upload(client, d.basic(token), d.wheel(version="2.0"), d.wheel_name(version="2.0"), version="2.0")
    assert (status == 200) is (role is not None), text
