"""An organization's own settings, its projects made on its page, and the approval an
administrator can require of new organizations, each tried as the wrong person would: a Manager
editing, a Member creating a project, a name taken by a project or a look-alike, a pending
organization used before an administrator approved it, a declined name taken again."""
from __future__ import annotations

from chalicelib.admin.models import AdminAction
from chalicelib.events.models import Event
from chalicelib.organizations.models import Member, Organization, OrgProject
from chalicelib.packaging import catalog
from chalicelib.packaging.models import Project
from chalicelib.packaging.permissions import RoleName, role_of
from tests.functional.admin.conftest import act
from tests.functional.conftest import enroll_totp, make_token
from tests.functional.forklift.test_upload import upload_wheel
from tests.functional.organizations.conftest import MANAGE, join
from tests.functional.packaging.conftest import user

ADMIN = "/admin/organizations/"


def tags(subject: str) -> list[str]:
    return [e.tag for e in Event.query(subject)]


def test_an_owner_edits_what_the_public_page_says(client, owner):
    saved = act(owner, MANAGE, MANAGE + "settings/", {"display_name": "Acme Dairy", "url": "https://acme.example",
                                                       "description": "Cheese, aged well."})
    assert saved.status == 303 and saved.location.endswith(MANAGE + "?notice=organization-saved")
    public = client.http.get("/org/acme/").body.decode()
    assert "Acme Dairy" in public and 'href="https://acme.example"' in public and "Cheese, aged well." in public
    assert "organization:settings" in tags("organization:acme")


def test_settings_refuse_a_script_address_and_leave_the_organization_as_it_was(client, owner):
    for url in ("javascript:alert(1)", "https://a b.example", "ftp://acme.example"):
        refused = act(owner, MANAGE, MANAGE + "settings/", {"display_name": "Evil", "url": url, "description": ""})
        assert refused.status == 400 and "starts with https://" in refused.text, url
    refused = act(owner, MANAGE, MANAGE + "settings/", {"display_name": " ", "url": "", "description": ""})
    assert refused.status == 400 and "Give a display name" in refused.text
    item = Organization.get("acme")
    assert (item.display_name, item.url) == ("Acme Cheese Co.", "")
    assert "organization:settings" not in tags("organization:acme")


def test_a_manager_or_member_neither_edits_nor_makes_projects(client, mailbox, owner, team):
    bob, carol = team
    for browser in (bob, carol):
        page = browser.get(MANAGE)
        assert page.status == 200 and 'action="/manage/organization/acme/settings/"' not in page.text
        edited = browser.post(MANAGE + "settings/", {"display_name": "Mine", "url": "", "description": ""},
                              csrf=page.csrf())
        made = browser.post(MANAGE + "projects/", {"project": "acme-thing"}, csrf=page.csrf())
        assert edited.status == 404 and made.status == 404
    assert Organization.get("acme").display_name == "Acme Cheese Co."
    assert Project.count("acme-thing") == 0


def test_an_owner_makes_a_project_in_the_organization_and_a_team_uploads_its_first_release(client, mailbox, owner):
    made = act(owner, MANAGE, MANAGE + "projects/", {"project": "Acme.Tools"})
    assert made.status == 303 and made.location.endswith("/manage/project/acme-tools/?notice="
                                                         "organization-project-created")
    found = catalog.project("acme-tools")
    assert (found.display_name, found.organization) == ("Acme.Tools", "acme")
    assert [p.project for p in OrgProject.query("acme")] == ["acme-tools"]
    assert role_of("alice", "acme-tools") is RoleName.OWNER
    assert "Acme.Tools" in client.http.get("/org/acme/").body.decode()
    assert "project:organization:create" in tags("organization:acme")
    assert "created the project “Acme.Tools” in the organization “Acme Cheese Co.”" in \
        mailbox.last_text("alice@example.com")
    # a team of the organization, granted Maintainer, uploads the first release
    bob = user(client, mailbox, "bob")
    join(owner, bob, mailbox, "bob", "Member")
    team = MANAGE + "team/release-eng/"
    assert act(owner, MANAGE, MANAGE + "teams/", {"team": "release-eng"}).status == 303
    assert act(owner, team, team + "add/", {"username": "bob"}).status == 303
    assert act(owner, team, team + "grant/", {"project": "acme-tools", "role": "Maintainer"}).status == 303
    assert upload_wheel(client, make_token(bob, "bobs"), name="acme-tools", version="1.0")[0] == 200
    assert client.http.get("/simple/acme-tools/").status_code == 200


def test_a_new_organization_project_obeys_every_rule_of_new_names(client, mailbox, owner, token):
    assert upload_wheel(client, token, name="brie")[0] == 200
    for name, message in (("brie", "A project has this name already."),
                          ("BRIE_", "Names start and end"),
                          ("b.r.i.e", "too similar"),
                          ("asyncio", "standard library")):
        refused = act(owner, MANAGE, MANAGE + "projects/", {"project": name})
        assert refused.status == 400 and message in refused.text, name
    assert catalog.project("brie").organization == ""  # taking an existing name into the organization: refused
    assert list(OrgProject.query("acme")) == []


def test_an_administrator_can_require_approval_and_a_pending_organization_does_nothing(client, mailbox, root,
                                                                                         alice, token):
    assert act(root, "/admin/", "/admin/", {"registrations": "on", "projects": "on",
                                            "review_organizations": "on"}).status == 303
    made = act(alice, "/manage/organizations/", "/manage/organizations/", {"name": "acme", "display_name": "Acme"})
    assert made.status == 303
    assert Organization.get("acme").pending is True
    assert client.http.get("/org/acme/").status_code == 404
    page = alice.get(MANAGE)
    assert page.status == 200 and "has not approved this organization yet" in page.text
    user(client, mailbox, "bob")
    for action, data in (("invite/", {"username": "bob", "role": "Member"}), ("teams/", {"team": "eng"}),
                         ("projects/", {"project": "acme-new"}),
                         ("settings/", {"display_name": "Acme", "url": "", "description": ""})):
        refused = act(alice, MANAGE, MANAGE + action, data)
        assert refused.status == 403 and "has not approved this organization yet" in refused.text, action
    assert upload_wheel(client, token, name="gouda")[0] == 200
    moved = act(alice, "/manage/project/gouda/", "/manage/project/gouda/transfer/", {"organization": "acme"})
    assert moved.status == 403 and catalog.project("gouda").organization == ""
    assert [m.username for m in Member.query("acme")] == ["alice"]
    # the administrator approves it: now it works
    listed = root.get(ADMIN)
    assert listed.status == 200 and "Acme (acme)" in listed.text
    assert act(root, ADMIN, ADMIN + "acme/approve/", {}).status == 303
    assert Organization.get("acme").pending is None
    assert "approved the organization “Acme”" in mailbox.last_text("alice@example.com")
    assert client.http.get("/org/acme/").status_code == 200
    assert act(alice, MANAGE, MANAGE + "invite/", {"username": "bob", "role": "Member"}).status == 303
    assert [e.action for e in AdminAction.query("log")][-1] == "admin:organization:approve"
    assert "organization:approve" in tags("organization:acme")
    assert act(root, ADMIN, ADMIN + "acme/approve/", {}).status == 404  # reviewed once


def test_a_declined_organization_is_gone_and_its_name_free(client, mailbox, root, alice):
    enroll_totp(alice)
    act(root, "/admin/", "/admin/", {"registrations": "on", "projects": "on", "review_organizations": "on"})
    assert act(alice, "/manage/organizations/", "/manage/organizations/",
               {"name": "acme", "display_name": "Acme"}).status == 303
    no_reason = act(root, ADMIN, ADMIN + "acme/decline/", {"organization": "acme", "reason": " "})
    assert no_reason.status == 400 and "Give a reason" in no_reason.text
    assert act(alice, MANAGE, MANAGE + "teams/", {"team": "eng"}).status == 403
    declined = act(root, ADMIN, ADMIN + "acme/decline/", {"organization": "acme", "reason": "Trademark of others"})
    assert declined.status == 303
    assert Organization.count("acme") == 0 and Member.count("acme") == 0
    assert "Trademark of others" in mailbox.last_text("alice@example.com")
    assert "organization:decline" in tags("alice")
    assert alice.get(MANAGE).status == 404
    assert "No organization awaits approval." in root.get(ADMIN).text
    # the switch off, the name is free to anyone again, and the new organization starts active
    act(root, "/admin/", "/admin/", {"registrations": "on", "projects": "on"})
    again = act(alice, "/manage/organizations/", "/manage/organizations/", {"name": "ACME", "display_name": "A"})
    assert again.status == 303 and Organization.get("acme").pending is None
    assert tags("organization:acme") == ["organization:create"]  # nothing of the declined one's history


def test_only_administrators_review(client, mailbox, root, owner):
    bob = user(client, mailbox, "bob")
    assert bob.get(ADMIN).status == 404
    assert owner.post(ADMIN + "acme/decline/", {"reason": "x"}, csrf=owner.get(MANAGE).csrf()).status == 404
    assert Organization.count("acme") == 1
    assert act(root, ADMIN, ADMIN + "acme/approve/", {}).status == 404  # not awaiting approval
