"""Organizations and their members: one namespace with users; invitations by mailed link;
who may change whom (a Member nobody, a Manager never an Owner: PyPI #19610); an organization
always keeps an Owner, even against two Owners removing each other at once; every change in
the histories and mailed; the forms need sudo mode."""
from __future__ import annotations

from datetime import timedelta

import pytest
from freezegun import freeze_time

from chalicelib.core import clock
from chalicelib.core.errors import Conflict, TwoFactorRequired
from chalicelib.core.origin import Origin
from chalicelib.events.models import Event
from chalicelib.organizations import members, services
from chalicelib.organizations.models import Member, Organization
from tests.functional.admin.conftest import act
from tests.functional.conftest import enroll_totp, register
from tests.functional.organizations.conftest import MANAGE
from tests.functional.packaging.conftest import user
from tests.helpers import Browser


def roles() -> dict[str, str]:
    return {m.username: m.role for m in Member.query("acme")}


def test_an_owner_creates_an_organization_with_its_public_page_and_history(client, owner):
    assert roles() == {"alice": "Owner"}
    page = client.http.get("/org/acme/")
    assert page.status_code == 200 and "Acme Cheese Co." in page.body.decode()
    assert client.http.get("/org/ACME/").headers["Location"].endswith("/org/acme/")
    assert "Organization created" in owner.get(MANAGE).text
    assert [e.tag for e in Event.query("organization:acme")] == ["organization:create"]
    assert "organization:create" in [e.tag for e in Event.query("alice")]


def test_users_and_organizations_share_one_namespace(client, mailbox, owner):
    user(client, mailbox, "bob", two_factor=False)
    taken = act(owner, "/manage/organizations/", "/manage/organizations/", {"name": "BOB", "display_name": ""})
    assert taken.status == 400 and "This name is taken" in taken.text
    again = act(owner, "/manage/organizations/", "/manage/organizations/", {"name": "acme", "display_name": "x"})
    assert again.status == 400 and "This name is taken" in again.text
    stranger = Browser(client)
    page = stranger.submit("/account/register/", {"username": "acme", "full_name": "A", "email": "a@example.net",
                                                  "password": "correct horse battery staple",
                                                  "password_confirm": "correct horse battery staple"})
    assert page.status == 400 and "already taken" in page.text
    assert Organization.count() == 1


def test_making_an_organization_needs_two_factor_and_a_valid_name(client, alice):
    assert alice.get("/manage/organizations/").location.endswith("/manage/account/?notice=two-factor-required")
    refused = alice.post("/manage/organizations/", {"name": "acme", "display_name": ""},
                         csrf=alice.get("/manage/account/").csrf())
    assert refused.status == 303 and "two-factor" in refused.location  # the mandate's gate
    with pytest.raises(TwoFactorRequired):
        services.create("alice", name="acme", display_name="", origin=Origin())
    enroll_totp(alice)
    bad = act(alice, "/manage/organizations/", "/manage/organizations/", {"name": "-acme!", "display_name": ""})
    assert bad.status == 400 and "Names start and end" in bad.text
    assert Organization.count() == 0


def test_invitations_are_mailed_answered_once_and_recorded(client, mailbox, owner, team):
    assert roles() == {"alice": "Owner", "bob": "Manager", "carol": "Member"}
    tags = [e.tag for e in Event.query("organization:acme")]
    assert tags.count("organization:member:invite") == 2 and tags.count("organization:member:invite:accept") == 2
    assert "accepted an invitation and is now Manager" in mailbox.to("alice@example.com")[-2].get_body(
        ("plain",)).get_content()
    page = owner.get(MANAGE)
    assert "Invite" in page.text and "Change role" in page.text and "Security history" in page.text


def test_a_member_changes_nobody(client, mailbox, owner, team):
    bob, carol = team
    dave = user(client, mailbox, "dave")
    page = carol.get(MANAGE)
    assert page.status == 200 and 'action="/manage/organization/acme/invite/"' not in page.text
    for path, data in (("invite/", {"username": "dave", "role": "Member"}),
                       ("invite/", {"username": "dave", "role": "Owner"}),
                       ("change/", {"username": "bob", "role": "Member"}),
                       ("remove/", {"username": "bob"})):
        refused = carol.post(MANAGE + path, data, csrf=page.csrf())
        assert refused.status == 400 and "Only Owners and Managers" in refused.text, path
    assert roles()["bob"] == "Manager" and "dave" not in roles()
    assert dave.get(MANAGE).status == 404  # a stranger learns nothing


def test_a_manager_never_makes_or_unmakes_an_owner(client, mailbox, owner, team):
    bob, carol = team
    user(client, mailbox, "dave")
    for path, data in (("invite/", {"username": "dave", "role": "Owner"}),
                       ("change/", {"username": "carol", "role": "Owner"}),
                       ("change/", {"username": "alice", "role": "Member"}),
                       ("remove/", {"username": "alice"})):
        refused = act(bob, MANAGE, MANAGE + path, data)
        assert refused.status == 400 and "Only an Owner" in refused.text, path
    assert roles() == {"alice": "Owner", "bob": "Manager", "carol": "Member"}
    assert act(bob, MANAGE, MANAGE + "change/", {"username": "carol", "role": "Manager"}).status == 303
    assert act(bob, MANAGE, MANAGE + "invite/", {"username": "dave", "role": "Member"}).status == 303


def test_the_last_owner_stays(client, owner, team):
    for path, data in (("change/", {"username": "alice", "role": "Manager"}), ("remove/", {"username": "alice"})):
        refused = act(owner, MANAGE, MANAGE + path, data)
        assert refused.status == 400 and "needs an Owner" in refused.text, path
    assert roles()["alice"] == "Owner" and Organization.get("acme").owners == 1


def test_two_owners_removing_each_other_at_once_leave_one(client, mailbox, owner, team, monkeypatch):
    bob, _ = team
    assert act(owner, MANAGE, MANAGE + "change/", {"username": "bob", "role": "Owner"}).status == 303
    assert Organization.get("acme").owners == 2
    found = services.organization("acme")
    members.remove("alice", found, "bob", Origin())
    monkeypatch.setattr(members, "_owner_count", lambda org: 2)  # bob's request read the count before alice's wrote
    monkeypatch.setattr(members, "role_of", lambda username, org: {"alice": members.OrgRoleName.OWNER,
                                                                   "bob": members.OrgRoleName.OWNER}[username])
    with pytest.raises(Conflict):
        members.remove("bob", found, "alice", Origin())
    assert roles() == {"alice": "Owner", "carol": "Member"} and Organization.get("acme").owners == 1


def test_member_forms_need_sudo_mode(client, mailbox, owner):
    user(client, mailbox, "dave")
    with freeze_time(clock.now() + timedelta(hours=1)):
        page = owner.get(MANAGE)
        answer = owner.post(MANAGE + "invite/", {"username": "dave", "role": "Member"}, csrf=page.csrf())
        assert answer.status == 303 and "/account/reauthenticate/" in answer.location
    assert "dave" not in roles()


def test_an_invitation_is_the_invitees_alone_works_once_and_can_be_revoked(client, mailbox, owner):
    bob, mallory = user(client, mailbox, "bob"), user(client, mailbox, "mallory")
    assert act(owner, MANAGE, MANAGE + "invite/", {"username": "bob", "role": "Member"}).status == 303
    link = mailbox.last_link("bob@example.com", "/account/organization-invitation/")
    stolen = mallory.get(link)
    assert stolen.status == 400 and "another account" in stolen.text
    assert act(owner, MANAGE, MANAGE + "revoke/", {"username": "bob"}).status == 303
    page = bob.get(link)
    assert page.status == 400 and "answered or revoked" in page.text
    assert "bob" not in roles()


def test_a_member_leaves_and_is_told(client, mailbox, owner, team):
    _, carol = team
    left = act(carol, MANAGE, MANAGE + "remove/", {"username": "carol"})
    assert left.status == 303 and left.location.endswith("/manage/organizations/?notice=left-organization")
    assert "carol" not in roles()
    assert "carol left the organization" in mailbox.to("alice@example.com")[-1].get_body(("plain",)).get_content()
    assert "organization:member:remove" in [e.tag for e in Event.query("carol")]


def test_your_organizations_and_invitations_are_listed(client, mailbox, owner):
    bob = user(client, mailbox, "bob")
    assert act(owner, MANAGE, MANAGE + "invite/", {"username": "bob", "role": "Member"}).status == 303
    page = bob.get("/manage/organizations/")
    assert "Acme Cheese Co." in page.text and "Accept the invitation to Acme Cheese Co." in page.text
    accepted = bob.post("/manage/organizations/invitation/", {"organization": "acme", "answer": "accept"},
                        csrf=page.csrf())
    assert accepted.status == 303 and roles()["bob"] == "Member"
    assert "Acme Cheese Co." in owner.get("/manage/organizations/").text


def test_an_invitee_without_two_factor_is_sent_to_set_it_up(client, mailbox, owner):
    bob = Browser(client)
    register(bob, "bob")
    assert bob.get(mailbox.last_link("bob@example.com", "/account/verify-email/")).status == 303
    from tests.functional.conftest import login
    login(bob, "bob")
    assert act(owner, MANAGE, MANAGE + "invite/", {"username": "bob", "role": "Member"}).status == 303
    link = mailbox.last_link("bob@example.com", "/account/organization-invitation/")
    page = bob.get(link)
    answered = bob.post("/account/organization-invitation/", {"token": link.split("token=")[1], "answer": "accept"},
                        csrf=page.csrf())
    assert answered.status == 303 and "organization-needs-two-factor" in answered.location
    assert "bob" not in roles()
