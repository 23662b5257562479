"""The administrators' levers, end to end: `make admin`, then in Chromium halting and resuming
registrations and new projects, prohibiting a name, suspending and restoring a user, and
quarantining and releasing a project, against real twine and pip; the admin log lists it all,
and a non-administrator gets 404 everywhere under /admin/."""
from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest
from playwright.sync_api import expect

from tests import distributions as d
from tests.conftest import ROOT
from tests.e2e.conftest import own_site
from tests.e2e.test_accessibility import serious_violations
from tests.e2e.test_account_journey import PASSWORD, log_in, signed_up
from tests.e2e.test_publish_and_install import make_token, twine

ADMIN_PAGES = ["/admin/", "/admin/users/", "/admin/users/root/", "/admin/projects/cheddar/", "/admin/recoveries/",
               "/admin/organizations/", "/admin/prohibited-names/", "/admin/log/"]


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    yield from own_site(tmp_path_factory)


def wheel(tmp_path: Path, name: str, version: str = "1.0") -> list[Path]:
    path = tmp_path / d.wheel_name(name, version)
    path.write_bytes(d.wheel(name, version))
    return [path]


def pip_download(site, tmp_path: Path, name: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "pip", "download", "--no-deps", "--no-cache-dir", "--quiet",
                           "--disable-pip-version-check", "--index-url", site.url + "/simple/",
                           "--dest", str(tmp_path / "downloads"), name], capture_output=True, text=True, timeout=180)


def accessible(page) -> None:
    page.wait_for_load_state("load")
    assert page.title().strip() and serious_violations(page) == []


def switch(page, site, label: str, allowed: bool) -> None:
    page.goto(site.url + "/admin/")
    box = page.get_by_label(label)
    box.check() if allowed else box.uncheck()
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_role("status")).to_contain_text("Saved")


def test_administrators_pull_every_lever_and_the_log_says_who(chromium, site, tmp_path):
    root_context, root = signed_up(chromium, site, "root", bypass_csp=True)
    user_context, mallory = signed_up(chromium, site, "mallory")
    try:
        granted = subprocess.run(["make", "--no-print-directory", "admin", "USER=root", f"MOTO_PORT={site.moto_port}"],
                                 cwd=ROOT, capture_output=True, text=True, timeout=300)
        assert granted.returncode == 0, granted.stdout + granted.stderr
        assert "root is now an administrator" in granted.stdout

        # Anyone else gets the site's 404 for every administrator page.
        for path in ADMIN_PAGES:
            mallory.goto(site.url + path)
            expect(mallory.get_by_role("heading", name="Page not found")).to_be_visible()

        for path in ADMIN_PAGES:
            root.goto(site.url + path)
            accessible(root)

        # Registrations halted: the page says so and offers no form; resumed: the form is back.
        switch(root, site, "Allow new registrations", False)
        visitor_context = chromium.new_context()
        visitor = visitor_context.new_page()
        visitor.goto(site.url + "/account/register/")
        expect(visitor.get_by_text("New accounts cannot be registered right now")).to_be_visible()
        expect(visitor.get_by_role("button", name="Create account")).to_have_count(0)
        switch(root, site, "Allow new registrations", True)
        visitor.reload()
        expect(visitor.get_by_role("button", name="Create account")).to_be_visible()
        visitor_context.close()

        # New projects halted: a new name is refused, a new release of an existing project is not.
        token = make_token(mallory, site, "ci")
        assert twine(site, token, wheel(tmp_path, "cheddar")).returncode == 0
        switch(root, site, "Allow new projects", False)
        refused = twine(site, token, wheel(tmp_path, "brie"))
        assert refused.returncode != 0 and "new projects cannot be created" in refused.stdout + refused.stderr
        assert twine(site, token, wheel(tmp_path, "cheddar", "2.0")).returncode == 0
        switch(root, site, "Allow new projects", True)

        # A prohibited name is refused in every spelling.
        root.goto(site.url + "/admin/prohibited-names/")
        root.get_by_label("Project name").fill("Stinking-Bishop")
        root.get_by_label("Reason").fill("Typosquat")
        root.get_by_role("button", name="Prohibit").click()
        expect(root.get_by_role("status")).to_contain_text("Name prohibited")
        for spelling in ("stinking_bishop", "STINKING.BISHOP", "stinkingbishop"):
            refused = twine(site, token, wheel(tmp_path, spelling))
            assert refused.returncode != 0 and "prohibited" in refused.stdout + refused.stderr, spelling

        # Suspended: the session dies, logins and tokens are refused; restored: both work again.
        root.goto(site.url + "/admin/users/")
        root.get_by_label("Username or email").fill("mallory@example.com")
        root.get_by_role("button", name="Search").click()
        root.get_by_role("link", name="mallory").click()
        root.get_by_label("Reason").fill("Spam uploads")
        root.get_by_role("button", name="Suspend").click()
        expect(root.get_by_role("status")).to_contain_text("User suspended")
        mallory.goto(site.url + "/manage/account/")
        expect(mallory).to_have_url(re.compile(r"/account/login/"))
        log_in(mallory, site, "mallory", PASSWORD)
        expect(mallory.get_by_role("alert")).to_contain_text("This account is suspended")
        refused = twine(site, token, wheel(tmp_path, "cheddar", "3.0"))
        assert refused.returncode != 0 and "This account is suspended" in refused.stdout + refused.stderr
        root.get_by_role("button", name="Restore").click()
        expect(root.get_by_role("status")).to_contain_text("User restored")
        assert twine(site, token, wheel(tmp_path, "cheddar", "3.0")).returncode == 0

        # Quarantined: pip can no longer download the project; released: it can again.
        assert pip_download(site, tmp_path, "cheddar").returncode == 0
        root.goto(site.url + "/admin/projects/cheddar/")
        root.get_by_label("Reason", exact=True).fill("Malware in 3.0")
        root.get_by_role("button", name="Quarantine").click()
        expect(root.get_by_role("status")).to_contain_text("Project quarantined")
        accessible(root)
        downloaded = pip_download(site, tmp_path, "cheddar")
        assert downloaded.returncode != 0, downloaded.stdout
        root.get_by_role("button", name="Release from quarantine").click()
        expect(root.get_by_role("status")).to_contain_text("Project released from quarantine")
        assert pip_download(site, tmp_path, "cheddar").returncode == 0

        # The log names the administrator for each action, newest first.
        root.goto(site.url + "/admin/log/")
        rows = root.locator("tbody tr")
        actions = [rows.nth(i).locator("td").nth(2).inner_text() for i in range(rows.count())]
        assert actions == ["Released a project from quarantine", "Quarantined a project", "Restored a user",
                           "Suspended a user", "Prohibited a project name", "Allowed new projects",
                           "Halted new projects", "Allowed new registrations", "Halted new registrations",
                           "Made an administrator"]
        admins = {rows.nth(i).locator("td").nth(1).inner_text() for i in range(rows.count() - 1)}
        assert admins == {"root"}
        expect(root.get_by_role("cell", name="Spam uploads")).to_be_visible()
    finally:
        root_context.close()
        user_context.close()
