"""Collaborators by invitation: the mail and its link, Accept and Decline, revoking, the
two-factor mandate, role changes, removals that take effect at once, the last Owner."""
from __future__ import annotations

import pytest

from chalicelib.events.models import Event
from chalicelib.packaging import permissions
from tests import distributions as d
from tests.functional.conftest import PASSWORD, code_step, enroll_totp, login, make_token, totp_code
from tests.functional.forklift.test_upload import upload
from tests.functional.packaging.conftest import PROJECT, accept, invite, user
from tests.helpers import Browser


def post(browser, path: str, data: dict[str, str]):
    return browser.post(PROJECT + path, data, csrf=browser.get("/manage/account/").csrf())


def history(client) -> list[tuple[str, str, str]]:
    """The project's security history as its page shows it: (event, detail, by)."""
    from chalicelib.events.services import history as shown
    from chalicelib.packaging import catalog

    return [(e.tag, e.detail, e.actor) for e in shown(catalog.project("cheese-demo").history_key)]


def test_an_invitation_by_mail_accepted(client, mailbox, alice, published):
    bob = user(client, mailbox, "bob")
    assert invite(alice, "bob").location == PROJECT + "collaborators/?notice=invited"
    letter = mailbox.to("bob@example.com")[-1]
    text = letter.get_body(preferencelist=("plain",)).get_content()
    assert "alice invites you to be Maintainer of the project “cheese-demo”" in text.replace("\n", " ")
    assert "bob" in alice.get(PROJECT + "collaborators/").text.split("Pending invitations")[1]

    link = mailbox.last_link("bob@example.com", "/account/invitation/")
    page = bob.get(link)
    assert "Accept" in page.text and "Decline" in page.text and "Maintainer" in page.text
    assert accept(bob, mailbox, "bob").location == PROJECT + "?notice=invitation-accepted"
    assert bob.get(PROJECT).status == 200
    spent = bob.get(link)
    assert spent.status == 400 and "answered or revoked" in spent.text
    owners_told = mailbox.to("alice@example.com")[-1].get_body(preferencelist=("plain",)).get_content()
    assert "bob accepted an invitation and is now Maintainer" in owners_told.replace("\n", " ")
    assert [h[:1] + h[2:] for h in history(client)[:2]] == [("project:role:invite:accept", "bob"),
                                                             ("project:role:invite", "alice")]
    assert '<li><a href="/user/bob/">bob</a></li>' in client.http.get("/project/cheese-demo/").body.decode()


def test_the_link_is_for_the_invitee_only_and_dies_when_revoked(client, mailbox, alice, published):
    bob = user(client, mailbox, "bob")
    mallory = user(client, mailbox, "mallory")
    invite(alice, "bob")
    link = mailbox.last_link("bob@example.com", "/account/invitation/")
    assert mallory.get(link).status == 400
    assert "for another account" in mallory.get(link).text
    assert post(alice, "collaborators/revoke/", {"username": "bob"}).status == 303
    assert "answered or revoked" in bob.get(link).text


def test_an_invitation_expires(frozen, client, mailbox, alice, published):
    bob = user(client, mailbox, "bob", two_factor=False)
    secret = enroll_totp(bob)
    invite(alice, "bob")
    link = mailbox.last_link("bob@example.com", "/account/invitation/")
    frozen.tick(3 * 24 * 3600 + 1)
    bob = Browser(client)
    login(bob, "bob", password=PASSWORD)
    assert code_step(bob, totp_code(secret)).status == 303
    assert bob.get(link).status == 400
    assert "Invitations" not in bob.get("/manage/projects/").text


def test_decline(client, mailbox, alice, published):
    bob = user(client, mailbox, "bob")
    invite(alice, "bob")
    assert accept(bob, mailbox, "bob", answer="decline").location == "/manage/projects/?notice=invitation-declined"
    assert bob.get(PROJECT).status == 404
    assert history(client)[0][0] == "project:role:invite:decline"


def test_an_invitee_without_two_factor_sets_it_up_first(client, mailbox, alice, published):
    bob = user(client, mailbox, "bob", two_factor=False)
    invite(alice, "bob", role="Owner")
    refused = accept(bob, mailbox, "bob")
    assert refused.location == "/manage/account/?notice=invitation-needs-two-factor"
    assert permissions.role_of("bob", "cheese-demo") is None
    enroll_totp(bob)
    projects_page = bob.get("/manage/projects/")
    assert "Accept the invitation to cheese-demo" in projects_page.text
    done = bob.post("/manage/projects/invitation/", {"project": "cheese-demo", "answer": "accept"},
                    csrf=projects_page.csrf())
    assert done.location == PROJECT + "?notice=invitation-accepted"
    assert "collaborators" in bob.get(PROJECT).text  # an Owner sees the collaborators link


def test_removal_takes_effect_at_once_for_tokens_and_is_mailed(client, mailbox, alice, published, member):
    bob = member("bob", "Maintainer")
    token = make_token(bob)
    assert upload(client, d.basic(token), d.wheel(version="2.0"), d.wheel_name(version="2.0"), version="2.0")[0] == 200
    assert post(alice, "collaborators/remove/", {"username": "bob"}).location == \
        PROJECT + "collaborators/?notice=collaborator-removed"
    status, text = upload(client, d.basic(token), d.wheel(version="3.0"), d.wheel_name(version="3.0"), version="3.0")
    assert status == 403 and "isn't allowed to upload" in text
    told = mailbox.to("bob@example.com")[-1].get_body(preferencelist=("plain",)).get_content()
    assert "You were removed from the project “cheese-demo”" in told.replace("\n", " ")
    assert history(client)[0] == ("project:role:remove", "bob (Maintainer)", "alice")
    assert [e.tag for e in Event.query("bob", scan_index_forward=False)][0] == "project:role:remove"


def test_the_uploads_in_the_history_name_the_token(client, alice, published):
    uploads = [h for h in history(client) if h[0] == "project:file:upload"]
    assert {h[1] for h in uploads} == {d.wheel_name(), d.sdist_name()} and {h[2] for h in uploads} == {"alice"}
    page = alice.get(PROJECT + "history/").text
    assert "with the API token “ci”" in page


def test_the_last_owner_cannot_leave_or_be_demoted(client, mailbox, alice, published, member):
    left = post(alice, "collaborators/remove/", {"username": "alice"})
    assert left.status == 400 and "A project needs an Owner" in left.text
    demoted = post(alice, "collaborators/change/", {"username": "alice", "role": "Maintainer"})
    assert demoted.status == 400 and "A project needs an Owner" in demoted.text
    bob = member("bob", "Owner")
    assert post(alice, "collaborators/change/", {"username": "alice", "role": "Maintainer"}).status == 303
    refused = post(bob, "collaborators/remove/", {"username": "bob"})
    assert refused.status == 400
    assert post(bob, "collaborators/change/", {"username": "alice", "role": "Owner"}).status == 303
    assert post(bob, "collaborators/remove/", {"username": "bob"}).location == "/manage/projects/?notice=left-project"


def test_role_changes_race_on_the_owner_count(alice, published, member, monkeypatch):
    """Two Owners demoting each other at once: the second write finds the count changed."""
    from chalicelib.core.errors import Conflict
    from chalicelib.core.origin import Origin
    from chalicelib.packaging import catalog, collaborators

    member("bob", "Owner")
    found = catalog.project("cheese-demo")
    real = collaborators._owner_count
    monkeypatch.setattr(collaborators, "_owner_count", lambda project: 2)  # both read two Owners
    collaborators.change_role("alice", found, "bob", "Maintainer", Origin())
    with pytest.raises(Conflict):
        collaborators.change_role("alice", found, "alice", "Maintainer", Origin())
    assert real("cheese-demo") == 1


def test_inviting_needs_sudo(frozen, client, alice, published):
    frozen.tick(16 * 60)
    refused = post(alice, "collaborators/invite/", {"username": "bob", "role": "Owner"})
    assert refused.location == "/account/reauthenticate/?next=/manage/project/cheese-demo/collaborators/"
