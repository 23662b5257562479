"""Publishing rights cannot be captured where deletion, pending publishers and suspension meet:
each test is an attack by another account, and asserts the refusal."""
from __future__ import annotations

from datetime import UTC, datetime

from chalicelib.core.db import get_or_none
from chalicelib.oidc.models import OidcState, Publisher
from chalicelib.packaging.models import File, Project, RoleInvitation
from chalicelib.packaging.names import ultra_guard
from chalicelib.packaging.permissions import RoleName, role_of
from tests import distributions as d
from tests.functional.admin.conftest import act
from tests.functional.conftest import enroll_totp, make_token
from tests.functional.forklift.test_upload import upload, upload_wheel
from tests.functional.oidc.conftest import add_publisher, code_of, mint
from tests.functional.oidc.test_publishers import PENDING, add_pending
from tests.functional.packaging.conftest import PROJECT, user

HELD = "a project 'cheese-demo' was deleted, and its name is held for its former owners"


def delete_project(browser, name: str = "cheese-demo"):
    page = browser.get(f"/manage/project/{name}/")
    assert page.status == 200, page.text
    return browser.post(f"/manage/project/{name}/delete/", {"confirm_name": name}, csrf=page.csrf())


def minted_upload(client, token: str, version: str):
    return upload(client, f"token {token}", d.wheel(version=version), d.wheel_name(version=version), version=version)


# 1. A trusted publisher does not outlive its project.

def test_deleting_a_project_removes_its_publishers_and_its_minted_tokens_reach_no_new_one(
        client, mailbox, alice, published, issuer, monkeypatch):
    monkeypatch.setenv("CHEESESHOP_DELETED_NAME_HOLD", "0")  # the name free at once: the worst case
    assert add_publisher(alice).status == 303
    status, minted = mint(client, issuer.github_token())
    assert status == 200
    assert delete_project(alice).status == 303
    assert list(Publisher.by_project.query("cheese-demo")) == []

    mallory = user(client, mailbox, "mallory")
    assert upload_wheel(client, make_token(mallory), version="5.0")[0] == 200  # mallory's own cheese-demo
    status, text = minted_upload(client, minted["token"], "6.0")
    assert status == 403 and "Mint a new token" in text
    status, answer = mint(client, issuer.github_token())  # the old workflow matches no publisher now
    assert status == 422 and code_of(answer) == "invalid-publisher"
    assert File.get(d.wheel_name(version="5.0")).project == "cheese-demo"
    assert [f.filename for f in File.by_project.query("cheese-demo")] == [d.wheel_name(version="5.0")]


def test_a_token_minted_for_a_project_does_not_reach_the_same_owners_new_one(client, alice, published, issuer,
                                                                              token):
    add_publisher(alice)
    minted = mint(client, issuer.github_token())[1]["token"]
    assert delete_project(alice).status == 303
    assert upload_wheel(client, token, version="3.0")[0] == 200  # a former Owner makes it again
    status, text = minted_upload(client, minted, "4.0")
    assert status == 403 and "Mint a new token" in text


def test_deletion_removes_roles_invitations_and_pending_publishers_naming_it(client, mailbox, alice, published,
                                                                               issuer, member):
    member("bob", "Maintainer")
    carol = user(client, mailbox, "carol")
    page = alice.get(PROJECT + "collaborators/")
    alice.post(PROJECT + "collaborators/invite/", {"username": "carol", "role": "Owner"}, csrf=page.csrf())
    assert list(RoleInvitation.query("cheese-demo"))
    # mallory's pending publisher for the name, registered before alice's project existed
    mallory = user(client, mailbox, "mallory")
    Publisher("squat", kind="github", project="pending:mallory", repository="github:evil/spam",
              pending_name="Cheese-Demo", pending_project="cheese-demo", owner="evil", name="spam",
              workflow="release.yml", added_by="mallory", created_at=datetime.now(UTC),
              expires=datetime(2999, 1, 1, tzinfo=UTC)).save()
    assert delete_project(alice).status == 303
    assert role_of("bob", "cheese-demo") is None and list(RoleInvitation.query("cheese-demo")) == []
    assert get_or_none(Publisher, "squat") is None
    assert carol.get(PROJECT).status == 404 and mallory.get(PROJECT).status == 404


# 2. A deleted project's name is held for its former Owners.

def test_a_deleted_name_is_held_for_its_former_owners_until_an_administrator_releases_it(
        client, mailbox, alice, published, token, root):
    assert delete_project(alice).status == 303
    bob = user(client, mailbox, "bob")
    theirs = make_token(bob)
    status, text = upload_wheel(client, theirs, version="9.0")
    assert status == 403 and HELD in text
    for spelling in ("Cheese_Demo", "cheese.demo", "CHEESEDEMO"):  # every spelling of it
        assert upload_wheel(client, theirs, name=spelling, version="9.0")[0] == 403
    assert "Upload refused: the name of a deleted project is held" in bob.get("/manage/account/").text

    page = root.get("/admin/prohibited-names/")
    assert "cheese-demo" in page.text and "alice" in page.text and "until released" in page.text
    released = act(root, "/admin/prohibited-names/", "/admin/prohibited-names/release/",
                   {"name": ultra_guard("cheese-demo")})
    assert released.status == 303 and "notice=name-released" in released.location
    assert "No name is held." in root.get("/admin/prohibited-names/").text
    assert upload_wheel(client, theirs, version="9.0")[0] == 200
    assert "Released the held name of a deleted project" in root.get("/admin/log/").text


def test_a_former_owner_makes_the_name_again(client, alice, published, token):
    assert delete_project(alice).status == 303
    assert upload_wheel(client, token, version="2.0")[0] == 200
    assert role_of("alice", "cheese-demo") is RoleName.OWNER
    assert Project.get(ultra_guard("cheese-demo")).deleted_at is None  # the guard is a live project's again


def test_a_hold_of_some_days_lapses(frozen, client, mailbox, alice, published, monkeypatch):
    monkeypatch.setenv("CHEESESHOP_DELETED_NAME_HOLD", "30")
    assert delete_project(alice).status == 303
    bob = user(client, mailbox, "bob")
    theirs = make_token(bob)
    assert upload_wheel(client, theirs, version="9.0")[0] == 403
    frozen.tick(31 * 24 * 3600)
    assert upload_wheel(client, theirs, version="9.0")[0] == 200


def test_a_held_name_refuses_another_accounts_pending_publisher(client, mailbox, alice, published, issuer):
    assert delete_project(alice).status == 303
    bob = user(client, mailbox, "bob")
    refused = add_pending(bob, project="cheese-demo")
    assert refused.status == 400 and "its name is held for its former owners" in refused.text


# 3. Pending publishers cannot be squatted.

def test_the_same_claims_are_held_by_one_pending_publisher_across_accounts(client, mailbox, alice, issuer):
    enroll_totp(alice)
    mallory = user(client, mailbox, "mallory")
    assert add_pending(mallory, project="mallorys-trap").status == 303  # the victim's repository, first
    refused = add_pending(alice, project="brand-new")
    assert refused.status == 400 and "Another pending publisher already names this repository" in refused.text
    again = add_pending(alice, project="brand-new", **{"github-owner": "OCTO-ORG", "github-repository": "SPAM"})
    assert again.status == 400  # in any case
    assert "Pending trusted publisher refused" in alice.get("/manage/account/").text
    # another environment is other claims
    assert add_pending(alice, project="brand-new", **{"github-environment": "release"}).status == 303
    # once mallory's is removed, the claims are free again
    page = mallory.get(PENDING)
    publisher_id = page.text.split('name="publisher" value="')[1].split('"')[0]
    assert mallory.post(PENDING + "remove/", {"publisher": publisher_id}, csrf=page.csrf()).status == 303
    assert add_pending(alice, project="other-new").status == 303


def test_an_account_holds_at_most_three_pending_publishers(client, alice, issuer):
    enroll_totp(alice)
    for n in range(3):
        assert add_pending(alice, project=f"new-{n}", **{"github-workflow": f"w{n}.yml"}).status == 303
    refused = add_pending(alice, project="new-3", **{"github-workflow": "w3.yml"})
    assert refused.status == 400 and "You have 3 pending publishers already" in refused.text
    assert len(list(Publisher.by_project.query("pending:alice"))) == 3
    assert len([k for k in OidcState.scan() if k.key.startswith("slot:alice:")]) == 3


def test_a_projects_own_publisher_takes_precedence_over_pending_ones(client, mailbox, alice, published, issuer):
    assert add_publisher(alice).status == 303
    mallory = user(client, mailbox, "mallory")
    assert add_pending(mallory, project="mallorys-trap").status == 303  # the same claims
    status, answer = mint(client, issuer.github_token())
    assert status == 200
    assert get_or_none(Project, "mallorys-trap") is None
    assert minted_upload(client, answer["token"], "2.0")[0] == 200


def test_many_rows_for_a_repository_do_not_lock_its_real_publisher_out(client, alice, published, issuer):
    assert add_publisher(alice).status == 303
    now = datetime.now(UTC)
    with Publisher.batch_write() as batch:
        for n in range(150):  # rows sorting anywhere around the real one
            batch.save(Publisher(f"junk-{n:03d}", kind="github", project=f"pending:m{n}",
                                 repository="github:octo-org/spam", pending_name=f"junk-{n}", owner="octo-org",
                                 name="spam", workflow=f"junk{n}.yml", added_by=f"m{n}", created_at=now,
                                 expires=datetime(2999, 1, 1, tzinfo=UTC)))
    status, answer = mint(client, issuer.github_token())
    assert status == 200, answer


# 4. Suspension stops every route into a project whose Owners are all suspended.

def test_a_project_whose_owners_are_all_suspended_takes_no_upload(client, mailbox, alice, published, issuer,
                                                                    member, root):
    add_publisher(alice)
    bob = member("bob", "Maintainer")
    bobs = make_token(bob)
    suspended = act(root, "/admin/users/alice/", "/admin/users/alice/suspend/", {"reason": "Compromised"})
    assert suspended.status == 303
    status, answer = mint(client, issuer.github_token())
    assert status == 422 and "suspended" in answer["errors"][0]["description"]
    status, text = upload_wheel(client, bobs, version="2.0")
    assert status == 403 and "every owner of the project 'cheese-demo' is suspended" in text
    from chalicelib.events.models import Event
    from chalicelib.packaging.catalog import project

    tags = [e.tag for e in Event.query(project("cheese-demo").history_key)]
    assert "project:upload:refused-suspended" in tags

    assert act(root, "/admin/users/alice/", "/admin/users/alice/restore/", {}).status == 303
    assert upload_wheel(client, bobs, version="2.0")[0] == 200
    assert mint(client, issuer.github_token())[0] == 200


def test_one_active_owner_keeps_the_project_open(client, mailbox, alice, published, member, root):
    bob = member("bob", "Owner")
    assert act(root, "/admin/users/alice/", "/admin/users/alice/suspend/", {"reason": "Compromised"}).status == 303
    assert upload_wheel(client, make_token(bob), version="2.0")[0] == 200


# 5. Invitations do not outlive their sender's role; changes installers see need sudo.

def test_removing_an_owner_revokes_the_invitations_they_sent(client, mailbox, alice, published, member):
    bob = member("bob", "Owner")
    mallory = user(client, mailbox, "mallory")
    page = bob.get(PROJECT + "collaborators/")
    assert bob.post(PROJECT + "collaborators/invite/", {"username": "mallory", "role": "Owner"},
                    csrf=page.csrf()).status == 303
    link = mailbox.last_link("mallory@example.com", "/account/invitation/")
    page = alice.get(PROJECT + "collaborators/")
    assert alice.post(PROJECT + "collaborators/remove/", {"username": "bob"}, csrf=page.csrf()).status == 303
    assert list(RoleInvitation.query("cheese-demo")) == []
    answered = mallory.get(link)
    assert answered.status == 400 and "This invitation was answered or revoked." in answered.text
    assert role_of("mallory", "cheese-demo") is None


def test_demoting_an_owner_revokes_the_invitations_they_sent(client, mailbox, alice, published, member):
    bob = member("bob", "Owner")
    user(client, mailbox, "carol")
    page = bob.get(PROJECT + "collaborators/")
    bob.post(PROJECT + "collaborators/invite/", {"username": "carol", "role": "Maintainer"}, csrf=page.csrf())
    page = alice.get(PROJECT + "collaborators/")
    assert alice.post(PROJECT + "collaborators/change/", {"username": "bob", "role": "Maintainer"},
                      csrf=page.csrf()).status == 303
    assert list(RoleInvitation.query("cheese-demo")) == []


def test_yank_archive_and_revoking_need_sudo(frozen, client, alice, published):
    frozen.tick(16 * 60)
    page = alice.get("/manage/account/")
    for path, data, back in (("releases/yank/", {"version": "1.0", "reason": "x"}, "releases/"),
                             ("releases/unyank/", {"version": "1.0"}, "releases/"),
                             ("archive/", {}, ""), ("unarchive/", {}, ""),
                             ("collaborators/revoke/", {"username": "bob"}, "collaborators/")):
        refused = alice.post(PROJECT + path, data, csrf=page.csrf())
        assert refused.location == f"/account/reauthenticate/?next={PROJECT}{back}", path
    assert File.get(d.wheel_name()).yanked is False


# 6. The gates send users back to the page they asked for, not the route's template.

def test_the_login_gate_returns_to_the_real_path(client, published):
    from tests.helpers import Browser

    shown = Browser(client).get(PROJECT)
    assert shown.location == "/account/login/?next=/manage/project/cheese-demo/"


def test_deletion_cancels_the_projects_open_upload_sessions(client, alice, published, token):
    from tests.functional.forklift.test_sessions import Uploader

    uploader, content = Uploader(client, token), d.wheel(version="2.0")
    _, session, _ = uploader.open(version="2.0")
    _, upload, _ = uploader.begin(session, d.wheel_name(version="2.0"), content)
    uploader.send(upload, content)
    assert delete_project(alice).status == 303
    assert upload_wheel(client, token, version="1.5")[0] == 200  # its former Owner makes it again
    status, answer, _ = uploader.call("post", upload["links"]["complete"])
    assert status == 404, answer
    assert uploader.call("post", session["links"]["publish"])[0] == 404
    assert d.wheel_name(version="2.0") not in [f.filename for f in File.scan() if f.project]
    assert uploader.open(version="2.0")[0] == 201  # the release is free for a new session
