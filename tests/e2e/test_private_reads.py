"""Private projects and a private index against `make run`, with the real installers: pip with
the token in the URL, uv with netrc, poetry with http-basic credentials; twine refused with a
token that only reads; the private name nowhere for anonymous readers; the Owner's browser
sees it. Then an administrator makes the whole index private in Chromium, and anonymous pip is
asked to authenticate (401) while a read token installs."""
from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
import requests
from playwright.sync_api import expect

from tests.conftest import ROOT
from tests.e2e.conftest import own_site
from tests.e2e.test_account_journey import signed_up
from tests.e2e.test_publish_and_install import build, make_token, twine

BIN = Path(sys.executable).parent
TOOLS = Path(os.environ.get("TEST_TOOLS") or Path.home() / ".cache" / "cheeseshop-test-tools")
POETRY = TOOLS / "poetry" / "bin" / "poetry"
SECRET = "secret-cheese"


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    yield from own_site(tmp_path_factory)


@pytest.fixture(scope="module")
def olga(chromium, site):
    context, page = signed_up(chromium, site, "olga")
    yield page
    context.close()


def read_token(page, site, name: str) -> str:
    page.goto(site.url + "/manage/account/token/")
    page.get_by_label("Token name").fill(name)
    page.get_by_label("Read", exact=True).check()
    page.get_by_role("button", name="Create token").click()
    token = page.locator("#new-token").inner_text()
    assert token.startswith("pypi-cs_")
    return token


def pip(index_url: str, target: Path, name: str) -> subprocess.CompletedProcess[str]:
    """pip install, telling why it skipped an index page (-vvv: a 401 is logged as a debug line)."""
    return subprocess.run([sys.executable, "-m", "pip", "install", "-vvv", "--no-cache-dir", "--no-input",
                           "--disable-pip-version-check", "--target", str(target), "--index-url", index_url, name],
                          capture_output=True, text=True, timeout=180)


def with_token(site, token: str) -> str:
    return site.url.replace("http://", f"http://__token__:{token}@") + "/simple/"


def test_a_private_project_installs_only_with_a_read_token(olga, site, tmp_path):
    upload = make_token(olga, site, "publish")
    assert twine(site, upload, build(tmp_path, SECRET)).returncode == 0
    olga.goto(site.url + f"/manage/project/{SECRET}/")
    olga.get_by_role("button", name="Make private").click()
    expect(olga.get_by_role("status")).to_contain_text("Project made private")
    expect(olga.get_by_role("heading", name="Visibility")).to_be_visible()
    token = read_token(olga, site, "install")

    # A read token does not upload.
    refused = twine(site, token, build(tmp_path, SECRET, "2.0"))
    assert refused.returncode != 0 and "this token can only read" in refused.stdout + refused.stderr

    # Anonymous readers find the name nowhere.
    for path in ("/simple/", "/rss/updates.xml", "/rss/packages.xml", "/?q=secret"):
        answer = requests.get(site.url + path, timeout=10)
        assert answer.status_code == 200 and SECRET not in answer.text and "secret_cheese" not in answer.text
    for path in (f"/simple/{SECRET}/", f"/pypi/{SECRET}/json", f"/project/{SECRET}/"):
        assert requests.get(site.url + path, timeout=10).status_code == 404, path
    anonymous = pip(site.url + "/simple/", tmp_path / "anonymous", SECRET)
    assert anonymous.returncode != 0 and "No matching distribution found" in anonymous.stderr

    # pip, the token in the URL.
    assert pip(with_token(site, token), tmp_path / "pip", SECRET).returncode == 0
    assert (tmp_path / "pip" / "secret_cheese" / "__init__.py").exists()

    # uv, the token in netrc.
    netrc = tmp_path / "netrc"
    netrc.write_text(f"machine 127.0.0.1 login __token__ password {token}\n")
    netrc.chmod(0o600)
    uv = subprocess.run([str(BIN / "uv"), "pip", "install", "--no-cache", "--python", sys.executable, "--target",
                         str(tmp_path / "uv"), "--index-url", site.url + "/simple/", SECRET],
                        capture_output=True, text=True, timeout=180, env={**os.environ, "NETRC": str(netrc)})
    assert uv.returncode == 0, uv.stderr
    assert (tmp_path / "uv" / "secret_cheese" / "__init__.py").exists()

    # poetry, a primary source with http-basic credentials.
    project = tmp_path / "app"
    project.mkdir()
    (project / "pyproject.toml").write_text(
        '[project]\nname = "app"\nversion = "0.1.0"\nrequires-python = ">=3.9"\ndependencies = []\n\n'
        '[tool.poetry]\npackage-mode = false\n')
    env = {**os.environ, "POETRY_CONFIG_DIR": str(tmp_path / "poetry-config"),
           "POETRY_CACHE_DIR": str(tmp_path / "poetry-cache"), "POETRY_VIRTUALENVS_IN_PROJECT": "true",
           "POETRY_KEYRING_ENABLED": "false", "POETRY_NO_INTERACTION": "1"}

    def poetry(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run([str(POETRY), *args], cwd=project, capture_output=True, text=True, timeout=300,
                              env=env)
    assert poetry("source", "add", "--priority=primary", "cheeseshop", site.url + "/simple/").returncode == 0
    assert poetry("config", "http-basic.cheeseshop", "__token__", token).returncode == 0
    added = poetry("add", SECRET)
    assert added.returncode == 0, added.stdout + added.stderr
    installed = list((project / ".venv").glob("lib/python*/site-packages/secret_cheese/__init__.py"))
    assert installed, added.stdout

    # The Owner's own browser session sees the project.
    olga.goto(site.url + f"/project/{SECRET}/")
    expect(olga.get_by_role("heading", name=f"{SECRET} 1.0")).to_be_visible()


def test_a_private_index_asks_installers_to_authenticate(olga, site, tmp_path):
    upload = make_token(olga, site, "publish-open")
    assert twine(site, upload, build(tmp_path, "open-cheese")).returncode == 0
    granted = subprocess.run([sys.executable, str(ROOT / "scripts" / "make_admin.py"), "olga"], capture_output=True,
                             text=True, timeout=60, env={**os.environ, "MOTO_PORT": str(site.moto_port)})
    assert granted.returncode == 0, granted.stderr
    olga.goto(site.url + "/admin/")
    olga.get_by_label("Private index").check()
    olga.get_by_role("button", name="Save").click()
    expect(olga.get_by_label("Private index")).to_be_checked()

    answer = requests.get(site.url + "/simple/open-cheese/", timeout=10)
    assert answer.status_code == 401 and answer.headers["WWW-Authenticate"] == 'Basic realm="cheeseshop"'
    assert requests.get(site.url + "/simple/no-such-cheese/", timeout=10).status_code == 401
    anonymous = pip(site.url + "/simple/", tmp_path / "anonymous", "open-cheese")
    assert anonymous.returncode != 0 and "401 Client Error: Unauthorized" in anonymous.stdout + anonymous.stderr

    token = read_token(olga, site, "install-everything")
    assert pip(with_token(site, token), tmp_path / "pip", "open-cheese").returncode == 0
    assert (tmp_path / "pip" / "open_cheese" / "__init__.py").exists()

    olga.goto(site.url + "/admin/")
    olga.get_by_label("Private index").uncheck()
    olga.get_by_role("button", name="Save").click()
    assert requests.get(site.url + "/simple/open-cheese/", timeout=10).status_code == 200
