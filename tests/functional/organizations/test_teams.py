"""Teams and organization projects, as an attacker would try them: a team's role reaches its
members at once and leaves them at once (removed from the team, or from the organization: PyPI
#17957), a project transferred out takes every role the organization granted with it (PyPI
#19749), a Manager grants no Owner, a grant cannot outlive the membership it came from; each
change recorded and mailed; the forms need sudo mode."""
from __future__ import annotations

from datetime import timedelta

import pytest
from freezegun import freeze_time
from pynamodb.exceptions import TransactWriteError

from chalicelib.core import clock
from chalicelib.events.models import Event
from chalicelib.organizations import grants
from chalicelib.organizations.models import TeamGrant, TeamMember
from chalicelib.packaging import catalog
from chalicelib.packaging.models import Grant
from chalicelib.packaging.permissions import RoleName, role_of
from tests.functional.admin.conftest import act
from tests.functional.conftest import make_token
from tests.functional.forklift.test_upload import upload_wheel
from tests.functional.organizations.conftest import MANAGE, join
from tests.functional.packaging.conftest import user

TEAM = MANAGE + "team/release-eng/"


def transfer(owner, project: str) -> None:
    page = f"/manage/project/{project}/"
    assert act(owner, page, page + "transfer/", {"organization": "acme"}).status == 303


@pytest.fixture
def projects(client, owner, token):
    """alice's cheese-demo and brie, transferred into acme."""
    for name in ("cheese-demo", "brie"):
        assert upload_wheel(client, token, name=name)[0] == 200
        transfer(owner, name)
    return ["brie", "cheese-demo"]


@pytest.fixture
def release_eng(client, mailbox, owner, projects):
    """Team release-eng with bob (a Member of acme) in it, Maintainer of both projects; bob's tokens."""
    bob = user(client, mailbox, "bob")
    join(owner, bob, mailbox, "bob", "Member")
    made = act(owner, MANAGE, MANAGE + "teams/", {"team": "release-eng"})
    assert made.status == 303 and made.location.endswith(TEAM + "?notice=team-created")
    assert act(owner, TEAM, TEAM + "add/", {"username": "bob"}).status == 303
    for project in projects:
        assert act(owner, TEAM, TEAM + "grant/", {"project": project, "role": "Maintainer"}).status == 303
    return bob


def test_a_teams_member_uploads_to_the_teams_projects_with_an_all_projects_token(client, release_eng):
    token = make_token(release_eng, "bobs")
    for name in ("cheese-demo", "brie"):
        assert upload_wheel(client, token, name=name, version="2.0")[0] == 200, name
    assert role_of("bob", "brie") is RoleName.MAINTAINER
    assert release_eng.get("/manage/project/brie/").status == 200  # a Maintainer's settings page


def test_removed_from_the_team_the_next_upload_is_refused_at_once(client, owner, release_eng):
    everything, scoped = make_token(release_eng, "bobs"), make_token(release_eng, "scoped", scope="brie")
    assert act(owner, TEAM, TEAM + "remove/", {"username": "bob"}).status == 303
    for token in (everything, scoped):
        status, text = upload_wheel(client, token, name="brie", version="3.0")
        assert status == 403 and "isn't allowed to upload" in text
    assert role_of("bob", "brie") is None


def test_removed_from_the_organization_every_team_role_goes(client, owner, release_eng):
    token = make_token(release_eng, "bobs")
    assert act(owner, MANAGE, MANAGE + "remove/", {"username": "bob"}).status == 303
    assert list(TeamMember.by_user.query("bob")) == []
    status, text = upload_wheel(client, token, name="cheese-demo", version="3.0")
    assert status == 403 and "isn't allowed to upload" in text
    assert all(not (g.sources or ()) for g in Grant.scan() if g.username == "bob")


def test_a_project_transferred_out_loses_its_team_roles(client, owner, release_eng):
    token = make_token(release_eng, "bobs")
    page = "/manage/project/brie/"
    assert act(owner, page, page + "transfer-out/", {}).status == 303
    assert catalog.project("brie").organization == ""
    assert list(TeamGrant.by_project.query("brie")) == []
    status, _ = upload_wheel(client, token, name="brie", version="3.0")
    assert status == 403
    assert upload_wheel(client, token, name="cheese-demo", version="3.0")[0] == 200  # still the team's


def test_an_organization_owner_is_owner_of_its_projects_until_no_longer_one(client, mailbox, owner, projects):
    carol = user(client, mailbox, "carol")
    join(owner, carol, mailbox, "carol", "Owner")
    assert role_of("carol", "brie") is RoleName.OWNER
    assert carol.get("/manage/project/brie/collaborators/").status == 200
    assert act(owner, MANAGE, MANAGE + "change/", {"username": "carol", "role": "Member"}).status == 303
    assert role_of("carol", "brie") is None
    assert carol.get("/manage/project/brie/").status == 404


def test_a_manager_grants_maintainer_but_never_owner(client, mailbox, owner, release_eng):
    dave = user(client, mailbox, "dave")
    join(owner, dave, mailbox, "dave", "Manager")
    assert act(owner, TEAM, TEAM + "revoke/", {"project": "brie"}).status == 303
    refused = act(dave, TEAM, TEAM + "grant/", {"project": "brie", "role": "Owner"})
    assert refused.status == 400 and "Only an Owner of the organization can make a team Owner" in refused.text
    assert act(dave, TEAM, TEAM + "grant/", {"project": "brie", "role": "Maintainer"}).status == 303
    assert role_of("bob", "brie") is RoleName.MAINTAINER


def test_only_members_join_teams_and_only_the_organizations_projects_are_granted(client, mailbox, owner, release_eng,
                                                                                 token):
    user(client, mailbox, "mallory")
    refused = act(owner, TEAM, TEAM + "add/", {"username": "mallory"})
    assert refused.status == 400 and "Invite them to the organization first" in refused.text
    assert upload_wheel(client, token, name="gouda")[0] == 200  # alice's, outside acme
    refused = act(owner, TEAM, TEAM + "grant/", {"project": "gouda", "role": "Maintainer"})
    assert refused.status == 400 and "Choose a project of the organization" in refused.text


def test_a_grant_written_after_its_membership_went_is_refused(client, owner, release_eng):
    TeamMember("acme/release-eng", "bob").delete()  # removed, while another request read him as a member
    with pytest.raises(TransactWriteError):
        grants.add_team_member("acme/release-eng", "bob", {"brie": "Maintainer"})
    grants.remove(grants.team_source("acme/release-eng"), [("brie", "bob"), ("cheese-demo", "bob")])
    assert role_of("bob", "brie") is None


def test_each_change_is_recorded_and_mailed(client, mailbox, owner, release_eng):
    org = [e.tag for e in Event.query("organization:acme")]
    for tag in ("organization:team:create", "organization:team:member:add", "organization:team:grant",
                "project:organization:transfer-in"):
        assert tag in org, tag
    project = [e.tag for e in Event.query(catalog.project("brie").history_key)]
    assert "organization:team:grant" in project and "project:organization:transfer-in" in project
    assert "You were added to the team" in mailbox.to("bob@example.com")[-1].get_body(("plain",)).get_content()
    told = [" ".join(m.get_body(("plain",)).get_content().split()) for m in mailbox.to("alice@example.com")]
    assert any("The team “release-eng” of the organization “Acme Cheese Co.” is now Maintainer" in t for t in told)
    assert any("transferred the project “brie” into the organization" in t for t in told)


def test_team_forms_need_sudo_mode(client, owner, release_eng):
    with freeze_time(clock.now() + timedelta(hours=1)):
        page = owner.get(TEAM)
        answer = owner.post(TEAM + "remove/", {"username": "bob"}, csrf=page.csrf())
        assert answer.status == 303 and "/account/reauthenticate/" in answer.location
    assert [m.username for m in TeamMember.query("acme/release-eng")] == ["bob"]


def test_only_an_owner_of_both_transfers(client, mailbox, owner, token):
    assert upload_wheel(client, token, name="gouda")[0] == 200
    bob = user(client, mailbox, "bob")
    join(owner, bob, mailbox, "bob", "Manager")
    assert bob.post("/manage/project/gouda/transfer/", {"organization": "acme"},
                    csrf=bob.get("/manage/organizations/").csrf()).status == 404  # not the project's Owner
    stranger_org = act(owner, "/manage/project/gouda/", "/manage/project/gouda/transfer/", {"organization": "nope"})
    assert stranger_org.status == 400 and "No organization has this name" in stranger_org.text
    assert catalog.project("gouda").organization == ""


def test_a_deleted_project_made_again_inherits_no_organization_role(client, owner, release_eng):
    page = "/manage/project/brie/"
    assert act(owner, page, page + "delete/", {"confirm_name": "brie"}).status == 303
    assert list(TeamGrant.by_project.query("brie")) == [] and list(Grant.query("brie")) == []
    # The name is held for its former Owners: alice makes a new brie, outside the organization.
    assert upload_wheel(client, make_token(owner, "again"), name="brie", version="9.0")[0] == 200
    assert role_of("bob", "brie") is None  # the team's role went with the old project
    join_again = act(owner, TEAM, TEAM + "remove/", {"username": "bob"})
    assert join_again.status == 303
    assert act(owner, TEAM, TEAM + "add/", {"username": "bob"}).status == 303
    assert role_of("bob", "brie") is None  # rejoining the team grants nothing on the new brie
    assert catalog.project("brie").organization == ""


def test_a_teams_member_sees_the_teams_projects_where_tokens_are_scoped_and_projects_listed(client, owner,
                                                                                             release_eng):
    tokens_page = release_eng.get("/manage/account/token/").text
    for project in ("brie", "cheese-demo"):
        assert f'<option value="{project}"' in tokens_page
    listed = release_eng.get("/manage/projects/").text
    assert "/manage/project/brie/" in listed and "Maintainer" in listed
    assert act(owner, TEAM, TEAM + "revoke/", {"project": "brie"}).status == 303
    tokens_page = release_eng.get("/manage/account/token/").text
    assert '<option value="brie"' not in tokens_page and '<option value="cheese-demo"' in tokens_page
