"""/admin/ is for administrators with two-factor in sudo mode; anyone else gets 404 for every
page and every form, and nothing is changed."""
from __future__ import annotations

import pytest

from chalicelib.admin.models import AdminAction
from tests.functional.admin.conftest import grant
from tests.functional.conftest import PASSWORD
from tests.functional.packaging.conftest import user
from tests.helpers import Browser

PAGES = ["/admin/", "/admin/users/", "/admin/users/root/", "/admin/projects/cheese-demo/",
         "/admin/prohibited-names/", "/admin/log/", "/admin/projects/?name=cheese-demo"]
FORMS = ["/admin/", "/admin/users/root/suspend/", "/admin/users/root/restore/",
         "/admin/projects/cheese-demo/quarantine/", "/admin/projects/cheese-demo/release/",
         "/admin/projects/cheese-demo/delete/", "/admin/prohibited-names/"]


@pytest.mark.parametrize("who", ["anonymous", "user", "user-with-two-factor"])
def test_everyone_but_administrators_gets_404_everywhere(client, mailbox, root, who):
    browser = Browser(client) if who == "anonymous" else user(client, mailbox, "bob",
                                                              two_factor=who == "user-with-two-factor")
    csrf = browser.get("/").csrf()
    for path in PAGES:
        assert browser.get(path).status == 404, path
    for path in FORMS:
        assert browser.post(path, {"reason": "x", "name": "x", "registrations": "on"}, csrf=csrf).status == 404, path
    assert AdminAction.count() == 1  # only the grant of the fixture


def test_an_administrator_without_two_factor_is_sent_to_set_it_up(client, mailbox):
    browser = user(client, mailbox, "carol", two_factor=False)
    grant("carol")
    page = browser.get("/admin/")
    assert page.status == 303 and "/manage/account/?notice=two-factor-required" in page.location


def test_an_administrator_proves_password_and_second_factor_again_after_15_minutes(frozen, client, mailbox):
    browser = user(client, mailbox, "root")
    grant("root")
    assert browser.get("/admin/log/").status == 200
    frozen.tick(16 * 60)
    page = browser.get("/admin/log/")
    assert page.status == 303 and page.location.startswith("/account/reauthenticate/?next=/admin/log/")
    posted = browser.post("/admin/", {"registrations": "on"}, csrf=browser.get("/").csrf())
    assert posted.status == 303 and "/account/reauthenticate/" in posted.location
    assert AdminAction.count() == 1


def test_a_suspended_administrator_is_no_administrator(client, mailbox, root):
    other = user(client, mailbox, "ops")
    grant("ops")
    from chalicelib.admin import users
    from chalicelib.core.origin import Origin
    users.suspend("ops", "root", "compromised", Origin())
    assert Browser(client).get("/admin/").status == 404
    assert other.get("/admin/").status == 200
    login = Browser(client).submit("/account/login/", {"username": "root", "password": PASSWORD})
    assert login.status == 403 and "suspended" in login.text


def test_odd_input_to_the_administrator_pages_is_a_4xx_and_changes_nothing(client, mailbox, root):
    long = "x" * 3000
    csrf = root.get("/admin/").csrf()
    for path in ["/admin/projects/nothing-here/", "/admin/users/nobody/", f"/admin/users/{long}/",
                 "/admin/projects/%00/", f"/admin/projects/{long}/"]:
        assert root.get(path).status == 404, path
    assert root.get(f"/admin/users/?q={long}").status == 200
    for path, fields in [
        ("/admin/prohibited-names/", {"name": long, "reason": "x"}),
        ("/admin/prohibited-names/", {"name": "ok-name", "reason": long}),
        ("/admin/prohibited-names/", {"name": "bad name!", "reason": "x"}),
        ("/admin/users/nobody/suspend/", {"reason": "x"}),
        ("/admin/users/root/frobnicate/", {"reason": "x"}),
        ("/admin/projects/nothing-here/quarantine/", {"reason": "x"}),
        ("/admin/projects/nothing-here/frobnicate/", {}),
    ]:
        page = root.post(path, fields, csrf=csrf)
        assert 400 <= page.status < 500, (path, page.status, page.text[:300])
    assert root.post("/admin/", {"projects": "on"}, csrf="forged").status == 403
    assert AdminAction.count() == 1
