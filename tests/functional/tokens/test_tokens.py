"""API tokens on /manage/account/token/: made by users with 2FA, shown once, stored
as a keyed hash, scoped, expiring and revocable at once."""
from __future__ import annotations

import hashlib
from urllib.parse import urlencode

import pytest
from freezegun import freeze_time

from chalicelib.accounts.models import User
from chalicelib.events.models import Event
from chalicelib.packaging.permissions import creator_role
from chalicelib.tokens import credentials
from chalicelib.tokens import services as tokens
from chalicelib.tokens.models import Token
from tests import distributions as d
from tests.functional.conftest import TOKEN_RE, enroll_totp, make_token
from tests.functional.forklift.test_upload import upload

PAGE = "/manage/account/token/"


@pytest.fixture(autouse=True)
def frozen():
    with freeze_time("2026-06-01 12:00:05") as clock:
        yield clock


def test_tokens_need_two_factor(alice):
    assert alice.get(PAGE).location == "/manage/account/?notice=two-factor-required"
    refused = alice.post(PAGE, {"name": "x"}, csrf=alice.get("/").csrf())
    assert refused.status == 303 and Token.count() == 0


def test_a_token_is_shown_once_and_stored_only_as_a_keyed_hash(alice, mailbox):
    enroll_totp(alice)
    token = make_token(alice, "ci")
    token_id, secret = credentials.parse(token)
    stored = Token.get(token_id)
    assert secret not in (stored.secret_hash or "")
    assert stored.secret_hash != hashlib.sha256(secret.encode()).hexdigest()  # keyed, not a bare hash
    assert token.startswith("pypi-") and token not in alice.get(PAGE).text
    assert "ci" in alice.get(PAGE).text and "All projects" in alice.get(PAGE).text
    assert mailbox.to("alice@example.com")[-1]["Subject"] == "A new API token was made for your cheeseshop account"
    assert "account:api-token:create" in [e.tag for e in Event.query("alice")]


def test_checksum_recognises_tokens():
    token_id, secret = "a" * 24, "b" * 64
    token = credentials.compose(token_id, secret)
    assert credentials.parse(token) == (token_id, secret)
    assert credentials.parse(token[:-1] + ("0" if token[-1] != "0" else "1")) is None
    assert credentials.parse("pypi-" + "x" * 40) is None


@pytest.mark.parametrize("fields, message", [
    ({"name": ""}, "Give the token a name"),
    ({"name": "n" * 101}, "Give the token a name of 1 to 100"),
    ({"name": "ok", "scope": "not-mine"}, "only scope a token to a project you maintain"),
    ({"name": "ok", "expires": "yesterday"}, "YYYY-MM-DD"),
    ({"name": "ok", "expires": "2026-05-01"}, "in the future and within a year"),
    ({"name": "ok", "expires": "2028-01-01"}, "in the future and within a year"),
])
def test_token_form_refusals(alice, fields, message):
    enroll_totp(alice)
    page = alice.post(PAGE, {"scope": "", "expires": "", **fields}, csrf=alice.get(PAGE).csrf())
    assert page.status == 400 and message in page.text
    assert Token.count() == 0


def test_token_names_are_unique_per_user(alice):
    enroll_totp(alice)
    make_token(alice, "ci")
    page = alice.post(PAGE, {"name": "CI", "scope": "", "expires": ""}, csrf=alice.get(PAGE).csrf())
    assert page.status == 400 and "already have a token with this name" in page.text


def test_revoked_tokens_stop_at_once(client, alice, mailbox):
    enroll_totp(alice)
    token = make_token(alice, "ci")
    assert upload(client, d.basic(token), d.wheel(), d.wheel_name())[0] == 200
    token_id = credentials.parse(token)[0]
    assert Token.get(token_id).last_used_at is not None
    done = alice.post(PAGE + "revoke/", {"token_id": token_id}, csrf=alice.get(PAGE).csrf())
    assert done.location == "/manage/account/token/?notice=token-revoked"
    assert upload(client, d.basic(token), d.sdist(), d.sdist_name())[0] == 403
    assert mailbox.to("alice@example.com")[-1]["Subject"].startswith("An API token of your cheeseshop account")
    make_token(alice, "ci")  # the name is free again


def test_expired_tokens_are_refused(client, alice, frozen):
    enroll_totp(alice)
    token = make_token(alice, "short", expires="2026-06-02")
    assert upload(client, d.basic(token), d.wheel(), d.wheel_name())[0] == 200
    frozen.tick(2 * 24 * 3600)
    status, text = upload(client, d.basic(token), d.sdist(), d.sdist_name())
    assert status == 403 and "expired" in text


def test_tokens_stop_working_when_two_factor_is_removed(client, alice):
    enroll_totp(alice)
    token = make_token(alice, "ci")
    User("alice").update(actions=[User.totp_secret.remove()])
    status, text = upload(client, d.basic(token), d.wheel(), d.wheel_name())
    assert status == 403 and "two-factor authentication" in text


def test_a_scoped_token_lists_its_project(alice):
    enroll_totp(alice)
    creator_role("alice", "cheese-demo", "cheese-demo").save()
    make_token(alice, "one", scope="cheese-demo")
    assert [t.projects for t in tokens.list_tokens("alice")] == [["cheese-demo"]]
    assert "Only cheese-demo" in alice.get(PAGE).text


def test_a_token_for_several_projects(client, alice, mailbox):
    enroll_totp(alice)
    everything = make_token(alice, "all")
    for name in ("cheese-one", "cheese-two", "cheese-three"):
        assert upload(client, d.basic(everything), d.wheel(name), d.wheel_name(name), name=name)[0] == 200
    page = alice.get(PAGE)
    made = alice.request("POST", PAGE, urlencode([("name", "two"), ("scope", "cheese-one"), ("scope", "cheese-two"),
                                                  ("expires", ""), ("csrf_token", page.csrf())]).encode(),
                         {"content-type": "application/x-www-form-urlencoded"})
    assert made.status == 200, made.text
    token = TOKEN_RE.search(made.text).group(1)
    for name in ("cheese-one", "cheese-two"):
        assert upload(client, d.basic(token), d.wheel(name, "2.0"), d.wheel_name(name, "2.0"), name=name,
                      version="2.0")[0] == 200
    status, text = upload(client, d.basic(token), d.wheel("cheese-three", "2.0"), d.wheel_name("cheese-three", "2.0"),
                          name="cheese-three", version="2.0")
    assert status == 403 and "not scoped to the project 'cheese-three'" in text
    assert "cheese-one, cheese-two" in alice.get(PAGE).text
    assert "It can upload to these projects: cheese-one, cheese-two." in mailbox.to("alice@example.com")[-1].get_body(
        preferencelist=("plain",)).get_content().replace("\n", " ")


def test_all_projects_and_some_is_refused(client, alice):
    enroll_totp(alice)
    everything = make_token(alice, "all")
    assert upload(client, d.basic(everything), d.wheel(), d.wheel_name())[0] == 200
    page = alice.get(PAGE)
    refused = alice.request("POST", PAGE, urlencode([("name", "x"), ("scope", ""), ("scope", "cheese-demo"),
                                                     ("expires", ""), ("csrf_token", page.csrf())]).encode(),
                            {"content-type": "application/x-www-form-urlencoded"})
    assert refused.status == 400 and "Choose all projects, or some projects, not both." in refused.text
    assert 'aria-invalid="true"' in refused.text.split('id="scope"')[1].split(">")[0]


def test_the_permissions_of_a_token_are_chosen_shown_recorded_and_mailed(client, alice, mailbox):
    enroll_totp(alice)
    page = alice.get("/manage/account/token/")
    assert "<legend>Permissions</legend>" in page.text
    assert 'id="permissions-upload" name="permissions" value="upload" checked' in page.text
    for label in (">Upload</label>", ">Read</label>", ">Read and upload</label>"):
        assert label in page.text
    refused = alice.post("/manage/account/token/", {"name": "x", "permissions": "admin"}, csrf=page.csrf())
    assert refused.status == 400 and "Choose what the token may do" in refused.text
    assert list(Token.by_user.query("alice")) == []
    made = alice.post("/manage/account/token/", {"name": "install", "permissions": "read"}, csrf=page.csrf())
    assert made.status == 200 and "pip install --index-url http://__token__:&lt;token&gt;@" in made.text
    assert "twine upload" not in made.text
    [stored] = [t for t in Token.by_user.query("alice") if t.name]
    assert stored.scopes == ["read"]
    assert "<td>Read</td>" in alice.get("/manage/account/token/").text
    assert "It can read (install) all your projects." in mailbox.to("alice@example.com")[-1].get_body(
        ("plain",)).get_content()
    assert [e.detail for e in Event.query("alice") if e.tag == "account:api-token:create"] == ["install (read)"]
