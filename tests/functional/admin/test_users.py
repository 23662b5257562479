"""Suspending a user ends their sessions and refuses their logins, second steps and tokens;
their addresses cannot make a new account; restoring undoes it. Both are mailed and kept in
the user's own history and the admin log."""
from __future__ import annotations

from chalicelib.accounts.models import Session, User
from chalicelib.admin.models import AdminAction
from chalicelib.events.models import Event
from tests import distributions as d
from tests.functional.admin.conftest import act
from tests.functional.conftest import PASSWORD, login, make_token, password_step
from tests.functional.forklift.test_upload import upload, upload_wheel
from tests.functional.packaging.conftest import user
from tests.helpers import Browser


def suspend(root: Browser, name: str, reason: str = "Uploaded malware"):
    return act(root, f"/admin/users/{name}/", f"/admin/users/{name}/suspend/", {"reason": reason})


def test_suspension_ends_sessions_and_refuses_logins_and_tokens_until_restored(client, mailbox, root):
    bob = user(client, mailbox, "bob")
    token = make_token(bob)
    assert upload(client, d.basic(token), d.wheel(), d.wheel_name())[0] == 200
    found = root.get("/admin/users/?q=BOB@example.com")
    assert 'href="/admin/users/bob/"' in found.text
    done = suspend(root, "bob")
    assert done.status == 303 and "notice=user-suspended" in done.location
    assert not list(Session.by_user.query("bob"))
    assert bob.get("/manage/account/").status == 303  # the session is gone: back to the login page
    status, text = upload_wheel(client, token, version="2.0")
    assert status == 403 and "This account is suspended" in text
    refused = password_step(Browser(client), "bob")
    assert refused.status == 403 and "This account is suspended" in refused.text
    wrong = Browser(client).submit("/account/login/", {"username": "bob", "password": "not the password"})
    assert wrong.status == 401 and "suspended" not in wrong.text  # only the right password learns it
    [mail] = mailbox.to("bob@example.com")[-1:]
    assert "suspended" in mail["Subject"] and "Uploaded malware" in mail.get_body(("plain",)).get_content()
    page = root.get("/admin/users/bob/")
    assert "Suspended on" in page.text and "Uploaded malware" in page.text and "Restore" in page.text
    assert "Account suspended by an administrator" in page.text  # the user's own history says so

    restored = act(root, "/admin/users/bob/", "/admin/users/bob/restore/", {})
    assert restored.status == 303 and User.get("bob").suspended_at is None
    login(Browser(client), "bob")  # the password step passes again (the second step follows)
    assert upload_wheel(client, token, version="2.0")[0] == 200
    assert "restored" in mailbox.to("bob@example.com")[-1]["Subject"]
    assert [e.action for e in AdminAction.query("log")][1:] == ["admin:user:suspend", "admin:user:restore"]
    assert [(e.administrator, e.target, e.reason) for e in AdminAction.query("log")][1] == (
        "root", "bob", "Uploaded malware")


def test_a_suspended_users_address_cannot_register_a_new_account(client, mailbox, root):
    user(client, mailbox, "bob", two_factor=False)
    assert suspend(root, "bob").status == 303
    page = Browser(client).submit("/account/register/", {
        "username": "bob2", "full_name": "", "email": "Bob@Example.com", "password": PASSWORD,
        "password_confirm": PASSWORD})
    assert page.status == 400 and "already in use" in page.text and User.count() == 2


def test_a_login_begun_before_the_suspension_cannot_finish(client, mailbox, root):
    bob = user(client, mailbox, "bob")
    fresh = Browser(client)
    assert password_step(fresh, "bob").status == 303  # the password was right; the code step follows
    assert suspend(root, "bob").status == 303
    page = fresh.get("/account/two-factor/")
    assert page.status == 403 and "This account is suspended" in page.text
    assert bob.get("/manage/account/").status == 303


def test_a_reason_is_needed_and_nobody_suspends_themselves(client, mailbox, root):
    user(client, mailbox, "bob", two_factor=False)
    assert suspend(root, "bob", reason="  ").status == 400
    assert suspend(root, "root").status == 400
    assert User.get("bob").suspended_at is None and User.get("root").suspended_at is None
    assert root.get("/admin/users/nobody/").status == 404
    assert "No user has this username" in root.get("/admin/users/?q=nobody").text


def test_an_administrator_ends_every_session_of_a_user_who_is_told(client, mailbox, root):
    bob = user(client, mailbox, "bob")
    laptop = Browser(client)
    login(laptop, "bob")
    done = act(root, "/admin/users/bob/", "/admin/users/bob/end-sessions/", {})
    assert done.status == 303 and "notice=user-sessions-ended" in done.location
    assert [b.get("/manage/account/").status for b in (bob, laptop)] == [303, 303]
    assert root.get("/admin/").status == 200  # the administrator's own session is untouched
    told = mailbox.to("bob@example.com")[-1]
    assert "An administrator ended every session" in told.get_body(preferencelist=("plain",)).get_content()
    assert [e.actor for e in Event.query("bob") if e.tag == "account:session:end-all"] == ["root"]
    assert [a.target for a in AdminAction.query("log") if a.action == "admin:user:end-sessions"] == ["bob"]


def test_only_an_administrator_can_end_a_users_sessions(client, mailbox, root):
    bob = user(client, mailbox, "bob")
    mallory = user(client, mailbox, "mallory")
    refused = act(mallory, "/manage/account/", "/admin/users/bob/end-sessions/", {})
    assert refused.status == 404
    assert bob.get("/manage/account/").status == 200
