"""Organizations end to end, two users in Chromium and real twine against `make run`: an Owner
makes an organization, transfers two projects into it, invites a Member by mail, makes team
release-eng with them in it, Maintainer of both projects; the member uploads both with an
all-projects token and with one scoped to a project; a Member cannot invite, a Manager makes
nobody Owner and removes no Owner; removed from the
team, their next upload is refused with either token; transferred out, a project takes the
team's role with it; removed from the organization, the member loses every team role; the
history says each and the member is mailed. Then an Owner makes a project on the organization's
page and twine uploads its first release."""
from __future__ import annotations

from pathlib import Path

import pytest
from playwright.sync_api import expect

from tests import distributions as d
from tests.e2e.conftest import own_site
from tests.e2e.test_accessibility import serious_violations
from tests.e2e.test_account_journey import signed_up
from tests.e2e.test_publish_and_install import make_token, twine

MANAGE = "/manage/organization/acme/"
TEAM = MANAGE + "team/release-eng/"


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    yield from own_site(tmp_path_factory)


def wheel(folder: Path, name: str, version: str) -> list[Path]:
    path = folder / d.wheel_name(name, version)
    path.write_bytes(d.wheel(name, version))
    return [path]


def upload(site, token: str, folder: Path, name: str, version: str) -> tuple[int, str]:
    done = twine(site, token, wheel(folder, name, version))
    return done.returncode, done.stdout + done.stderr


def test_teams_grant_publishing_and_take_it_back_at_once(chromium, site, tmp_path):
    owner_context, olga = signed_up(chromium, site, "olga")
    member_context, maxim = signed_up(chromium, site, "maxim")
    manager_context, mara = signed_up(chromium, site, "mara")
    try:
        token = make_token(olga, site, "olga-ci")
        for name in ("cheese-a", "cheese-b"):
            assert upload(site, token, tmp_path, name, "1.0")[0] == 0

        olga.goto(site.url + "/manage/organizations/")
        olga.get_by_label("Organization name").fill("acme")
        olga.get_by_label("Display name").fill("Acme Cheese Co.")
        olga.get_by_role("button", name="Create organization").click()
        expect(olga.get_by_role("status")).to_contain_text("Organization created")
        for name in ("cheese-a", "cheese-b"):
            olga.goto(site.url + f"/manage/project/{name}/")
            olga.get_by_role("textbox", name="Organization").fill("acme")
            olga.get_by_role("button", name="Transfer", exact=True).click()
            expect(olga.get_by_role("status")).to_contain_text("Project transferred into the organization")

        olga.goto(site.url + MANAGE)
        olga.get_by_label("Username").fill("maxim")
        olga.locator("#invite-role").select_option("Member")
        olga.get_by_role("button", name="Invite", exact=True).click()
        expect(olga.get_by_role("status")).to_contain_text("Invitation sent")
        maxim.goto(site.url + site.mailbox.last_link("maxim@example.com", "/account/organization-invitation/"))
        maxim.get_by_role("button", name="Accept").click()
        expect(maxim.get_by_role("status")).to_contain_text("You are now a member of this organization")
        expect(maxim.get_by_role("button", name="Invite", exact=True)).to_have_count(0)  # a Member invites nobody

        # a Manager makes nobody Owner and removes no Owner (PyPI #19610)
        olga.goto(site.url + MANAGE)
        olga.get_by_label("Username").fill("mara")
        olga.locator("#invite-role").select_option("Manager")
        olga.get_by_role("button", name="Invite", exact=True).click()
        mara.goto(site.url + site.mailbox.last_link("mara@example.com", "/account/organization-invitation/"))
        mara.get_by_role("button", name="Accept").click()
        expect(mara.get_by_role("status")).to_contain_text("You are now a member of this organization")
        mara.get_by_label("New role of maxim").select_option("Owner")
        mara.get_by_role("button", name="Change role of maxim").click()
        expect(mara.locator("p.error")).to_contain_text("Only an Owner can make, change or remove an Owner.")
        mara.get_by_role("button", name="Remove olga").click()
        expect(mara.locator("p.error")).to_contain_text("Only an Owner can make, change or remove an Owner.")

        olga.goto(site.url + MANAGE)
        olga.get_by_label("Team name").fill("release-eng")
        olga.get_by_role("button", name="Create team").click()
        expect(olga.get_by_role("status")).to_contain_text("Team created")
        olga.get_by_label("Username").fill("maxim")
        olga.get_by_role("button", name="Add member").click()
        for name in ("cheese-a", "cheese-b"):
            olga.get_by_label("Project", exact=True).select_option(name)
            olga.get_by_label("Role", exact=True).select_option("Maintainer")
            olga.get_by_role("button", name="Grant").click()
            expect(olga.get_by_role("status")).to_contain_text("Team changed")

        everything = make_token(maxim, site, "maxim-ci")
        for name in ("cheese-a", "cheese-b"):
            code, output = upload(site, everything, tmp_path, name, "2.0")
            assert code == 0, output

        scoped = make_token(maxim, site, "maxim-a", scope="Only cheese-a")
        assert upload(site, scoped, tmp_path, "cheese-a", "2.1")[0] == 0

        olga.goto(site.url + TEAM)
        olga.get_by_role("button", name="Remove maxim").click()
        for key in (everything, scoped):
            code, output = upload(site, key, tmp_path, "cheese-a", "3.0")
            assert code != 0 and "isn't allowed to upload" in output

        olga.get_by_label("Username").fill("maxim")
        olga.get_by_role("button", name="Add member").click()
        olga.goto(site.url + "/manage/project/cheese-b/")
        olga.get_by_role("button", name="Transfer out").click()
        expect(olga.get_by_role("status")).to_contain_text("Project transferred out")
        assert upload(site, everything, tmp_path, "cheese-b", "3.0")[0] != 0
        assert upload(site, everything, tmp_path, "cheese-a", "3.0")[0] == 0

        olga.goto(site.url + MANAGE)
        history = olga.locator("#history-heading + table, #history-heading ~ table").first
        for entry in ("Team created", "Added to a team", "Team granted a role on a project",
                      "Project transferred out of an organization", "Invitation to the organization accepted"):
            expect(history).to_contain_text(entry)

        # removed from the organization, the member loses every team role at once (PyPI #17957)
        olga.get_by_role("button", name="Remove maxim").click()
        expect(olga.get_by_role("status")).to_contain_text("Member removed")
        for key in (everything, scoped):
            code, output = upload(site, key, tmp_path, "cheese-a", "4.0")
            assert code != 0 and "isn't allowed to upload" in output
        olga.goto(site.url + TEAM)
        expect(olga.get_by_role("button", name="Remove maxim")).to_have_count(0)
        told = [str(m["Subject"]) for m in site.mailbox.to("maxim@example.com")]
        assert "Your teams changed in a cheeseshop organization" in told
        assert "A membership changed in a cheeseshop organization" in told
    finally:
        owner_context.close()
        member_context.close()
        manager_context.close()


def test_an_owner_makes_a_project_on_the_organizations_page_and_twine_fills_it(chromium, site, tmp_path):
    context, petra = signed_up(chromium, site, "petra", bypass_csp=True)
    try:
        petra.goto(site.url + "/manage/organizations/")
        petra.get_by_label("Organization name").fill("dairy")
        petra.get_by_label("Display name").fill("Dairy Guild")
        petra.get_by_role("button", name="Create organization").click()
        expect(petra.get_by_role("status")).to_contain_text("Organization created")
        base = "/manage/organization/dairy/"
        petra.get_by_label("URL").fill("javascript:alert(1)")
        petra.get_by_role("button", name="Save").click()
        expect(petra.locator("#url-error")).to_contain_text("starts with https://")
        petra.get_by_label("URL").fill("https://dairy.example")
        petra.get_by_label("Description").fill("Cheese makers together.")
        petra.get_by_role("button", name="Save").click()
        expect(petra.get_by_role("status")).to_contain_text("Organization settings saved")
        petra.wait_for_load_state("load")
        assert serious_violations(petra) == []

        petra.get_by_label("Project name").fill("dairy-tools")
        petra.get_by_role("button", name="Create project").click()
        expect(petra.get_by_role("status")).to_contain_text("Project created in the organization")
        assert petra.url.endswith("/manage/project/dairy-tools/?notice=organization-project-created")
        code, output = upload(site, make_token(petra, site, "petra-ci"), tmp_path, "dairy-tools", "1.0")
        assert code == 0, output

        petra.goto(site.url + "/org/dairy/")
        expect(petra.get_by_role("link", name="dairy-tools")).to_be_visible()
        expect(petra.get_by_role("link", name="https://dairy.example")).to_be_visible()
        petra.goto(site.url + base)
        expect(petra.locator("#history-heading ~ table").first).to_contain_text("Project created in an organization")
    finally:
        context.close()
