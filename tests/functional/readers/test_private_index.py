"""A private index (the setting CHEESESHOP_PRIVATE_INDEX, or the administrators' switch): every
read needs a credential. Tools without one get 401 with a Basic challenge for every name, known
or not; people get the login page; any active user reads the public projects, and a private
project stays its collaborators'."""
from __future__ import annotations

import pytest

from chalicelib.admin.models import AdminAction
from chalicelib.core import switches
from tests import distributions as d
from tests.functional.admin.conftest import act
from tests.functional.conftest import make_token
from tests.functional.readers.conftest import read_routes, unknown

TOOLS = ["/simple/", "/rss/updates.xml", "/rss/packages.xml"]


@pytest.fixture
def private_index(monkeypatch):
    monkeypatch.setenv("CHEESESHOP_PRIVATE_INDEX", "1")


def tool_routes() -> list[str]:
    return [path for path in read_routes() if not path.startswith("/project/")] + TOOLS


def test_anonymous_tools_get_401_with_a_challenge_for_every_name(read, published, private_index):
    for path in tool_routes() + [unknown(p) for p in tool_routes()]:
        status, headers, body = read(path)
        assert status == 401, path
        assert headers["WWW-Authenticate"] == 'Basic realm="cheeseshop"'
        assert headers["Cache-Control"] == "private, no-store"
        assert "__token__" in body and "cheese-demo" not in body.replace(path, "")


def test_anonymous_people_are_sent_to_the_login_page(read, published, private_index):
    for path in ("/", "/project/cheese-demo/", "/project/gone-nowhere/", "/project/cheese-demo/1.0/"):
        status, headers, _ = read(path)
        assert status == 303 and "/account/login/?next=" in headers["Location"], path


def test_any_active_users_read_token_or_session_reads_the_public_projects(read, published, private_index, client,
                                                                          mailbox):
    from tests.functional.packaging.conftest import user
    bob = user(client, mailbox, "bob")
    bobs = make_token(bob, "bobs", permissions="read")
    for path in tool_routes():
        status, headers, _ = read(path, d.basic(bobs))
        assert status in (200, 302), path
        assert headers["Cache-Control"] == "private, no-store", path
    assert bob.get("/project/cheese-demo/").status == 200
    assert bob.get("/simple/cheese-demo/").status == 200
    assert "cheese-demo" in bob.get("/?q=cheese").text


def test_an_upload_token_is_told_it_cannot_read(read, published, private_index, alice):
    upload_only = make_token(alice, "upload-only")
    for path in ("/simple/", "/simple/cheese-demo/", "/simple/gone-nowhere/"):
        status, headers, body = read(path, d.basic(upload_only))
        assert status == 403 and "cannot read" in body, path


def test_a_private_project_on_a_private_index_is_still_its_collaborators(read, published, private_index, client,
                                                                         mailbox, alice):
    from tests.functional.readers.conftest import make_private
    make_private(alice)
    from tests.functional.packaging.conftest import user
    bobs = make_token(user(client, mailbox, "bob"), "bobs", permissions="read")
    assert read("/simple/cheese-demo/", d.basic(bobs))[0] == 404
    assert read("/simple/cheese-demo/", d.basic(make_token(alice, "mine", permissions="read")))[0] == 200


def test_expired_revoked_and_suspended_credentials_get_401(read, published, private_index, alice):
    from datetime import timedelta

    from freezegun import freeze_time

    from chalicelib.admin import users
    from chalicelib.core import clock
    from chalicelib.core.origin import Origin
    from chalicelib.tokens.models import Token
    tomorrow = (clock.now() + timedelta(days=1)).strftime("%Y-%m-%d")
    short = make_token(alice, "short", expires=tomorrow, permissions="read")
    with freeze_time(clock.now() + timedelta(days=3)):
        for path in tool_routes():
            status, headers, body = read(path, d.basic(short))
            assert status == 401 and "expired" in body and "WWW-Authenticate" in headers, path
    revoked = make_token(alice, "revoked", permissions="read")
    assert read("/simple/", d.basic(revoked))[0] == 200
    Token.get(next(t.id for t in Token.by_user.query("alice") if t.name == "revoked")).delete()
    assert read("/simple/", d.basic(revoked))[0] == 401
    mine = make_token(alice, "mine", permissions="read")
    assert read("/simple/", d.basic(mine))[0] == 200
    users.suspend("ops", "alice", "compromised", Origin())
    for path in tool_routes():
        status, _, body = read(path, d.basic(mine))
        assert status == 401 and "suspended" in body, path
    assert alice.get("/simple/").status == 401  # her sessions ended with the suspension
    assert alice.get("/").status == 303


def test_the_administrators_switch_makes_the_index_private_and_public(read, published, client, mailbox):
    from tests.functional.admin.conftest import grant
    from tests.functional.packaging.conftest import user
    root = user(client, mailbox, "root")
    grant("root")
    assert read("/simple/")[0] == 200
    page = root.get("/admin/")
    assert "Private index" in page.text
    assert act(root, "/admin/", "/admin/", {"registrations": "on", "projects": "on", "private": "on"}).status == 303
    assert read("/simple/")[0] == 401 and read("/simple/cheese-demo/")[0] == 401
    assert root.get("/simple/cheese-demo/").status == 200
    switches.forget()  # another container, within 30 seconds
    assert read("/simple/cheese-demo/")[0] == 401
    assert act(root, "/admin/", "/admin/", {"registrations": "on", "projects": "on"}).status == 303
    assert read("/simple/cheese-demo/")[0] == 200
    assert [e.action for e in AdminAction.query("log")][-2:] == ["admin:index:private", "admin:index:public"]


def test_the_setting_holds_the_switch_on(published, client, mailbox, private_index):
    from tests.functional.admin.conftest import grant
    from tests.functional.packaging.conftest import user
    root = user(client, mailbox, "root")
    grant("root")
    page = root.get("/admin/")
    assert 'id="private" name="private" aria-describedby="private-hint" checked disabled' in page.text
    assert "CHEESESHOP_PRIVATE_INDEX" in page.text
    assert "anyone who registers can read this private index" in page.text
    assert act(root, "/admin/", "/admin/", {"projects": "on"}).status == 303  # registrations halted
    assert switches.current().private is False  # the setting decides; the stored switch is left as it was
    assert "anyone who registers" not in root.get("/admin/").text
