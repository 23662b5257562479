"""What two-factor protects, end to end: two users in Chromium, real twine and pip. An Owner
invites a Maintainer by mail, who accepts and uploads; the Owner yanks, deletes a file and a
release, removes the Maintainer and deletes the project; the history names who did each."""
from __future__ import annotations

import subprocess
import sys

import pytest
import requests
from playwright.sync_api import expect

from tests.e2e.conftest import own_site
from tests.e2e.test_accessibility import serious_violations
from tests.e2e.test_account_journey import signed_up
from tests.e2e.test_publish_and_install import build, make_token, twine

MANAGE = "/manage/project/cheese-team/"


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    yield from own_site(tmp_path_factory)


def accessible(page) -> None:
    page.wait_for_load_state("load")
    assert page.title().strip() and serious_violations(page) == []


def pip_install(site, tmp_path, requirement: str) -> str:
    """The version pip chose (pip install --dry-run --report)."""
    result = subprocess.run([sys.executable, "-m", "pip", "install", "--dry-run", "--no-cache-dir", "--quiet",
                             "--disable-pip-version-check", "--index-url", site.url + "/simple/",
                             "--report", str(tmp_path / "report.json"), requirement],
                            capture_output=True, text=True, timeout=180)
    assert result.returncode == 0, result.stdout + result.stderr
    import json

    [item] = json.loads((tmp_path / "report.json").read_text())["install"]
    return str(item["metadata"]["version"])


@pytest.fixture
def people(chromium, site):
    owner, olga = signed_up(chromium, site, "olga", bypass_csp=True)
    member, max_ = signed_up(chromium, site, "maxim", bypass_csp=True)
    yield olga, max_
    owner.close()
    member.close()


def test_collaborators_yank_delete_and_history(people, site, tmp_path):
    olga, maxim = people
    olga_token = make_token(olga, site, "olga-ci")
    for version in ("1.0", "2.0"):
        assert twine(site, olga_token, build(tmp_path, "cheese-team", version)).returncode == 0

    # The Owner invites; the mail's link offers Accept and Decline.
    olga.goto(site.url + MANAGE + "collaborators/")
    accessible(olga)
    olga.get_by_label("Username").fill("maxim")
    olga.get_by_label("Role", exact=True).select_option("Maintainer")
    olga.get_by_role("button", name="Invite").click()
    expect(olga.get_by_role("status")).to_contain_text("Invitation sent")
    accessible(olga)
    maxim.goto(site.url + site.mailbox.last_link("maxim@example.com", "/account/invitation/"))
    expect(maxim.get_by_text("olga invites you to be Maintainer")).to_be_visible()
    accessible(maxim)
    maxim.get_by_role("button", name="Accept").click()
    expect(maxim.get_by_role("status")).to_contain_text("Invitation accepted")
    accessible(maxim)

    # The Maintainer uploads, and is offered neither yank nor delete.
    assert twine(site, make_token(maxim, site, "maxim-ci"), build(tmp_path, "cheese-team", "3.0")).returncode == 0
    maxim.goto(site.url + MANAGE)
    expect(maxim.get_by_role("button", name="Delete project")).to_have_count(0)
    expect(maxim.get_by_role("link", name="Releases")).to_have_count(0)
    maxim.goto(site.url + MANAGE + "releases/")
    expect(maxim.get_by_role("heading", name="Page not found")).to_be_visible()

    # The Owner yanks 3.0: pip skips it unless pinned.
    olga.goto(site.url + MANAGE + "releases/")
    accessible(olga)
    olga.get_by_label("Reason").first.fill("broken build")
    olga.get_by_role("button", name="Yank 3.0").click()
    expect(olga.get_by_role("status")).to_contain_text("Release yanked")
    assert pip_install(site, tmp_path, "cheese-team") == "2.0"
    assert pip_install(site, tmp_path, "cheese-team==3.0") == "3.0"

    # Deleting a file: its name is refused on a new upload. Then a whole release.
    wheel = next(f for f in build(tmp_path / "again", "cheese-team", "2.0") if f.suffix == ".whl")
    olga.get_by_role("button", name=f"Delete file {wheel.name}").click()
    expect(olga.get_by_role("status")).to_contain_text("File deleted")
    again = twine(site, olga_token, [wheel])
    assert again.returncode != 0 and "belonged to a file that was deleted" in again.stdout + again.stderr
    olga.get_by_role("button", name="Delete release 1.0").click()
    expect(olga.get_by_role("status")).to_contain_text("Release deleted")
    listing = requests.get(site.url + "/simple/cheese-team/", timeout=10).text
    assert "cheese_team-1.0" not in listing and wheel.name not in listing and "cheese_team-3.0" in listing

    # Removing the Maintainer: their next upload is refused at once, and they are mailed.
    olga.goto(site.url + MANAGE + "collaborators/")
    olga.get_by_role("button", name="Remove maxim").click()
    expect(olga.get_by_role("status")).to_contain_text("Collaborator removed")
    refused = twine(site, make_token(maxim, site, "maxim-late"), build(tmp_path, "cheese-team", "4.0"))
    assert refused.returncode != 0 and "403" in refused.stdout + refused.stderr
    told = [m.get_body(preferencelist=("plain",)).get_content() for m in site.mailbox.to("maxim@example.com")]
    assert any("You were removed from the project “cheese-team”" in text for text in told)

    # The history names who did each step.
    olga.goto(site.url + MANAGE + "history/")
    accessible(olga)
    rows = olga.locator("tbody tr").all_inner_texts()
    expected = [("Collaborator removed", "olga"), ("Release deleted", "olga"), ("File deleted", "olga"),
                ("Release yanked", "olga"), ("File uploaded", "maxim"), ("Invitation accepted", "maxim"),
                ("Collaborator invited", "olga")]
    found = [next(i for i, row in enumerate(rows) if what in row and who in row) for what, who in expected]
    assert found == sorted(found), rows
    assert any("with the API token “maxim-ci”" in row for row in rows)

    # Deleting the project needs its name typed.
    olga.goto(site.url + MANAGE)
    accessible(olga)
    olga.get_by_label("Type the project name to confirm").fill("cheese")
    olga.get_by_role("button", name="Delete project").click()
    expect(olga.get_by_role("alert").first).to_be_visible()
    assert requests.get(site.url + "/simple/cheese-team/", timeout=10).status_code == 200
    olga.get_by_label("Type the project name to confirm").fill("cheese-team")
    olga.get_by_role("button", name="Delete project").click()
    expect(olga.get_by_role("status")).to_contain_text("Project deleted")
    assert requests.get(site.url + "/simple/cheese-team/", timeout=10).status_code == 404
    olga.goto(site.url + "/manage/account/")
    expect(olga.get_by_text("Project deleted: cheese-team")).to_be_visible()
