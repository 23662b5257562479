"""A private project on a public index: its collaborators read it with a session or a token with
the Read permission; everyone else (anonymous, the wrong token, another user, an expired or
revoked token, a suspended owner) gets exactly what a name the index never knew gets."""
from __future__ import annotations

import json
import re
from datetime import timedelta

from freezegun import freeze_time

from chalicelib.admin import users
from chalicelib.core import clock
from chalicelib.core.origin import Origin
from chalicelib.events.models import Event
from chalicelib.packaging import catalog
from chalicelib.packaging.models import Project
from chalicelib.tokens.models import Token
from tests import distributions as d
from tests.functional.admin.conftest import act
from tests.functional.conftest import make_token
from tests.functional.forklift.test_upload import upload_wheel
from tests.functional.readers.conftest import JSON, PROJECT, read_routes, unknown


def _same(headers: dict[str, str]) -> dict[str, str]:
    """Headers but those that differ between any two answers (a page's new CSRF cookie, a length)."""
    return {k: v for k, v in headers.items() if k.lower() not in ("content-length", "set-cookie")}


def assert_as_unknown(read, path: str, authorization: str | None = None) -> None:
    """The answer for the private name is the answer for an unknown one, but for the name itself
    (and a page's CSRF token, new on every page)."""
    status, headers, body = read(path, authorization)
    other_status, other_headers, other_body = read(unknown(path), authorization)
    assert status == other_status == 404, (path, status, body)
    csrf = re.compile(r'value="[0-9a-f]{64}"')
    assert csrf.sub("", body.replace("cheese-demo", "gone-nowhere")) == csrf.sub("", other_body), path
    assert _same(headers) == _same(other_headers), path


def test_anonymous_readers_get_what_an_unknown_name_gets_on_every_read_route(read, private):
    for path in read_routes():
        assert_as_unknown(read, path)
    for accept in JSON.values():
        status, _, body = read("/simple/cheese-demo/", accept=accept)
        assert status == 404 and "cheese" not in body.replace("cheese-demo", "")


def test_a_private_name_is_listed_nowhere(read, private, client):
    for path in ("/simple/", "/rss/updates.xml", "/rss/packages.xml", "/?q=cheese", "/?q="):
        status, _, body = read(path)
        assert status == 200 and "cheese-demo" not in body.lower() and "cheese_demo" not in body.lower(), path
    _, _, listing = read("/simple/", accept=JSON["accept"])
    assert json.loads(listing)["projects"] == []


def test_the_owners_read_token_reads_every_route_and_nobody_keeps_the_answer(read, private, read_token):
    for path in read_routes():
        status, headers, _ = read(path, d.basic(read_token))
        assert status in (200, 302), (path, status)
        assert headers["Cache-Control"] == "private, no-store", path
    _, _, page = read("/simple/cheese-demo/", d.basic(read_token))
    assert d.wheel_name() in page


def test_a_collaborators_session_reads_the_pages_and_a_strangers_does_not(read, private, client, mailbox):
    assert private.get("/project/cheese-demo/").status == 200
    assert private.get("/simple/cheese-demo/").status == 200
    from tests.functional.packaging.conftest import user
    stranger = user(client, mailbox, "mallory")
    page = stranger.get("/project/cheese-demo/")
    assert page.status == 404 and "cheese-demo" in page.text and "Alice" not in page.text


def test_an_upload_token_does_not_read(read, private):
    upload_only = make_token(private, "upload-only")
    for path in read_routes():
        assert_as_unknown(read, path, d.basic(upload_only))


def test_another_users_read_token_does_not_read(read, private, client, mailbox):
    from tests.functional.packaging.conftest import user
    bob = user(client, mailbox, "bob")
    bobs = make_token(bob, "bobs", permissions="read")
    for path in read_routes():
        assert_as_unknown(read, path, d.basic(bobs))


def test_a_read_token_scoped_to_another_project_does_not_read(read, private, client):
    assert upload_wheel(client, make_token(private, "publisher"), name="other-cheese")[0] == 200
    scoped = make_token(private, "scoped", scope="other-cheese", permissions="read")
    assert_as_unknown(read, "/simple/cheese-demo/", d.basic(scoped))
    assert read("/simple/other-cheese/", d.basic(scoped))[0] == 200
    both = make_token(private, "both", scope="cheese-demo", permissions="read-upload")
    assert read("/simple/cheese-demo/", d.basic(both))[0] == 200


def test_a_maintainer_reads_until_removed(read, private, member, client):
    bob = member("bob", "Maintainer")
    bobs = make_token(bob, "bobs", permissions="read")
    assert read("/simple/cheese-demo/", d.basic(bobs))[0] == 200
    removed = act(private, PROJECT + "collaborators/", PROJECT + "collaborators/remove/", {"username": "bob"})
    assert removed.status == 303
    assert_as_unknown(read, "/simple/cheese-demo/", d.basic(bobs))  # at once: the role is read with the token


def test_refused_credentials_are_refused_for_every_name_alike(read, private, read_token):
    """A token that does not work gets 401 for the private name, a public one and an unknown one:
    the answer tells nothing of which names exist."""
    for bad in (d.basic("pypi-cs_not-a-token"), d.basic(read_token, username="alice"), "Bearer nonsense"):
        answers = {read(path, bad)[0] for path in ("/simple/cheese-demo/", "/simple/gone-nowhere/")}
        assert answers == {401}, bad
        status, headers, _ = read("/simple/cheese-demo/", bad)
        assert headers["WWW-Authenticate"] == 'Basic realm="cheeseshop"'


def test_a_revoked_token_is_refused_at_once(read, private, read_token):
    assert read("/simple/cheese-demo/", d.basic(read_token))[0] == 200  # its owner is now remembered
    page = private.get("/manage/account/token/")
    token_id = next(t.id for t in Token.by_user.query("alice") if t.name == "install")
    assert private.post("/manage/account/token/revoke/", {"token_id": token_id}, csrf=page.csrf()).status == 303
    status, _, body = read("/simple/cheese-demo/", d.basic(read_token))
    assert status == 401 and "invalid or expired" in body


def test_an_expired_token_is_refused(read, private):
    tomorrow = (clock.now() + timedelta(days=1)).strftime("%Y-%m-%d")
    short = make_token(private, "short", expires=tomorrow, permissions="read")
    assert read("/simple/cheese-demo/", d.basic(short))[0] == 200
    with freeze_time(clock.now() + timedelta(days=3)):
        status, _, body = read("/simple/cheese-demo/", d.basic(short))
        assert status == 401 and "expired" in body
        assert read("/simple/gone-nowhere/", d.basic(short))[0] == 401


def test_a_suspended_owners_token_and_session_are_refused(read, private, read_token, client):
    users.suspend("ops", "alice", "compromised", Origin())
    status, _, body = read("/simple/cheese-demo/", d.basic(read_token))
    assert status == 401 and "suspended" in body
    assert private.get("/simple/cheese-demo/").status == 404


def test_a_read_token_cannot_upload(private, read_token, client):
    status, text = upload_wheel(client, read_token, version="2.0")
    assert status == 403 and "this token can only read" in text


def test_a_stranger_uploading_to_the_private_name_learns_nothing_about_it(private, client, mailbox):
    from tests.functional.packaging.conftest import user
    mallory = user(client, mailbox, "mallory")
    status, text = upload_wheel(client, make_token(mallory, "m"), version="9.0")
    assert status == 403 and "not available" in text and "Owner" not in text and "cheese-demo" in text
    Project.get("cheese-demo").update(actions=[Project.status.set("archived")])
    assert upload_wheel(client, make_token(mallory, "m2"), version="9.0")[1] == text  # not "is archived"


def test_an_etag_does_not_open_a_private_page(read, private, read_token):
    _, headers, _ = read("/simple/cheese-demo/", d.basic(read_token))
    etag = headers["ETag"]
    assert read("/simple/cheese-demo/", d.basic(read_token), **{"if-none-match": etag})[0] == 304
    status, _, _ = read("/simple/cheese-demo/", None, **{"if-none-match": etag})
    assert status == 404


def test_only_an_owner_in_sudo_mode_changes_visibility_and_it_is_recorded_and_mailed(
        client, alice, published, member, mailbox):
    bob = member("bob", "Maintainer")
    assert bob.post(PROJECT + "private/", {}, csrf=bob.get(PROJECT).csrf()).status == 404
    assert not Project.get("cheese-demo").private
    with freeze_time(clock.now() + timedelta(hours=1)):  # sudo mode has lapsed
        page = alice.get(PROJECT)
        assert "Make private" in page.text
        answer = alice.post(PROJECT + "private/", {}, csrf=page.csrf())
        assert answer.status == 303 and "/account/reauthenticate/" in answer.location
    assert act(alice, PROJECT, PROJECT + "private/", {}).status == 303
    assert Project.get("cheese-demo").private
    assert "project:visibility:private" in [e.tag for e in Event.query(catalog.project("cheese-demo").history_key)]
    assert "project:visibility:private" in [e.tag for e in Event.query("alice")]
    assert "made the project “cheese-demo” private" in mailbox.to("alice@example.com")[-1].get_body(
        ("plain",)).get_content()
    assert "Project made private" in alice.get(PROJECT + "history/").text
    page = alice.get(PROJECT)
    assert "Make public" in page.text
    assert act(alice, PROJECT, PROJECT + "public/", {}).status == 303
    assert not Project.get("cheese-demo").private
    assert client.http.get("/simple/cheese-demo/").status_code == 200
    assert "cheese-demo" in client.http.get("/simple/").body.decode().lower()


def test_a_stale_visibility_form_is_refused(client, private):
    page = private.get(PROJECT)  # shows "Make public"
    assert private.post(PROJECT + "public/", {}, csrf=page.csrf()).status == 303
    again = private.post(PROJECT + "public/", {}, csrf=page.csrf())
    assert again.status == 409 and "changed meanwhile" in again.text


def test_a_private_project_deleted_and_registered_again_is_public_and_old_tokens_read_nothing_new(
        read, private, read_token, client, mailbox):
    assert act(private, PROJECT, PROJECT + "delete/", {"confirm_name": "cheese-demo"}).status == 303
    assert_as_unknown(read, "/simple/cheese-demo/", d.basic(read_token))

