"""Halting new accounts and new projects: what each refuses, what carries on, and how soon
other containers see a change (a short cache: at once here, within 30 s elsewhere)."""
from __future__ import annotations

from chalicelib.accounts.models import User
from chalicelib.admin.models import AdminAction
from chalicelib.core import switches as cache
from chalicelib.core.db import transaction
from tests import distributions as d
from tests.functional.admin.conftest import switches
from tests.functional.conftest import PASSWORD, enroll_totp, make_token
from tests.functional.forklift.test_upload import objects, upload, upload_wheel
from tests.helpers import Browser


def register_form(browser: Browser, name: str):
    return browser.submit("/account/register/", {"username": name, "full_name": "", "email": f"{name}@example.com",
                                                 "password": PASSWORD, "password_confirm": PASSWORD})


def test_halted_registrations_make_nothing_until_resumed(client, mailbox, root):
    assert switches(root, registrations=False, projects=True).status == 303
    visitor = Browser(client)
    page = visitor.get("/account/register/")
    assert "New accounts cannot be registered right now" in page.text and 'name="password"' not in page.text
    sent = len(mailbox.messages())
    refused = visitor.post("/account/register/", {"username": "eve", "full_name": "", "email": "eve@example.com",
                                                  "password": PASSWORD, "password_confirm": PASSWORD},
                           csrf=page.csrf())
    assert refused.status == 403 and "New accounts cannot be registered right now" in refused.text
    assert User.count() == 1 and len(mailbox.messages()) == sent
    assert switches(root, registrations=True, projects=True).status == 303
    assert register_form(visitor, "eve").status == 303 and User.count() == 2
    assert [e.action for e in AdminAction.query("log")][1:] == ["admin:registrations:halt",
                                                                  "admin:registrations:allow"]


def test_halted_projects_refuse_new_names_but_not_new_releases(client, mailbox, root):
    token = make_token(root)
    assert upload(client, d.basic(token), d.wheel(), d.wheel_name())[0] == 200
    assert switches(root, registrations=True, projects=False).status == 303
    before = objects()
    status, text = upload_wheel(client, token, "new-thing")
    assert status == 403 and "new projects cannot be created on this index right now" in text
    assert objects() == before
    assert upload_wheel(client, token, version="2.0")[0] == 200
    assert "Allow new projects" in root.get("/admin/").text
    assert 'id="projects" name="projects" checked' not in root.get("/admin/").text


def test_other_containers_see_a_change_within_30_seconds(frozen, client, mailbox, alice):
    enroll_totp(alice)
    token = make_token(alice)
    assert cache.allowed(cache.Switch.PROJECTS)  # read, and cached, in this container
    with transaction() as t:  # another container halts new projects
        cache.save(t, registrations=True, projects=False, private=False, review_organizations=False,
                       by="elsewhere")
    frozen.tick(29)
    assert upload(client, d.basic(token), d.wheel(), d.wheel_name())[0] == 200  # not seen yet: allowed
    frozen.tick(2)
    status, text = upload_wheel(client, token, "later")
    assert status == 403 and "new projects cannot be created" in text


def test_the_container_that_changed_a_switch_sees_it_at_once(client, mailbox, root):
    assert cache.allowed(cache.Switch.REGISTRATIONS)
    assert switches(root, registrations=False, projects=True).status == 303
    assert not cache.allowed(cache.Switch.REGISTRATIONS)
    assert register_form(Browser(client), "eve").status == 403


def test_saving_unchanged_switches_logs_nothing(client, mailbox, root):
    assert switches(root, registrations=True, projects=True).status == 303
    assert AdminAction.count() == 1  # the grant
