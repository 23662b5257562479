"""The package index itself, end to end: a token made in Chromium, real `twine upload`
of a wheel and an sdist built here, real `pip install` from /simple/ as the only index."""
from __future__ import annotations

import hashlib
import json
import os
import re
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest
import requests
from playwright.sync_api import expect

from tests.e2e.test_account_journey import signed_up

BIN = Path(sys.executable).parent


def build(tmp: Path, name: str, version: str = "1.0") -> list[Path]:
    """A tiny real project, built into an sdist and a wheel by the standard build tool."""
    source = tmp / f"src-{name}-{version}"
    module = name.replace("-", "_")
    (source / module).mkdir(parents=True)
    (source / module / "__init__.py").write_text(f'GREETING = "hello from {name} {version}"\n')
    (source / "README.md").write_text(f"# {name}\n\nA **test** project.\n")
    (source / "pyproject.toml").write_text(textwrap.dedent(f"""
        [build-system]
        requires = ["setuptools>=61"]
        build-backend = "setuptools.build_meta"

        [project]
        name = "{name}"
        version = "{version}"
        description = "A project for the cheeseshop tests"
        readme = "README.md"
        requires-python = ">=3.8"
        classifiers = ["Programming Language :: Python :: 3"]
        """))
    out = tmp / f"dist-{name}-{version}"
    subprocess.run([sys.executable, "-m", "build", "--no-isolation", "--outdir", str(out), str(source)],
                   check=True, capture_output=True)
    return sorted(out.iterdir())


def twine(site, token: str, files: list[Path]) -> subprocess.CompletedProcess[str]:
    return subprocess.run([str(BIN / "twine"), "upload", "--verbose", "--disable-progress-bar", "--non-interactive",
                           "--repository-url", site.url + "/legacy/", "-u", "__token__", "-p", token,
                           *map(str, files)], capture_output=True, text=True, timeout=120,
                          env={**os.environ, "COLUMNS": "400"})  # twine wraps its output to the terminal


def make_token(page, site, name: str, scope: str = "All projects") -> str:
    page.goto(site.url + "/manage/account/token/")
    page.get_by_label("Token name").fill(name)
    page.get_by_label("Scope").select_option(label=scope)
    page.get_by_role("button", name="Create token").click()
    token = page.locator("#new-token").inner_text()
    assert token.startswith("pypi-")
    return token


@pytest.fixture(scope="module")
def maintainer(chromium, site):
    """A verified user with an authenticator app, logged in, on a page of their own."""
    context, page = signed_up(chromium, site, "pat")
    yield page
    context.close()


def test_upload_with_twine_and_install_with_pip(maintainer, site, tmp_path):
    page = maintainer
    token = make_token(page, site, "release")
    files = build(tmp_path, "cheese-demo")
    assert {f.suffix for f in files} == {".gz", ".whl"}
    result = twine(site, token, files)
    assert result.returncode == 0, result.stdout + result.stderr

    target = tmp_path / "installed"
    pip = subprocess.run([sys.executable, "-m", "pip", "install", "--no-cache-dir", "--disable-pip-version-check",
                          "--index-url", site.url + "/simple/", "--target", str(target), "cheese-demo==1.0"],
                         capture_output=True, text=True, timeout=180)
    assert pip.returncode == 0, pip.stdout + pip.stderr
    assert "hello from cheese-demo 1.0" in (target / "cheese_demo" / "__init__.py").read_text()

    listing = requests.get(site.url + "/simple/cheese-demo/",
                           headers={"Accept": "application/vnd.pypi.simple.v1+json"}, timeout=10)
    assert listing.headers["Content-Type"].startswith("application/vnd.pypi.simple.v1+json")
    assert listing.headers["Vary"] == "Accept"
    data = listing.json()
    local = {f.name: hashlib.sha256(f.read_bytes()).hexdigest() for f in files}
    assert {f["filename"]: f["hashes"]["sha256"] for f in data["files"]} == local
    [wheel] = [f for f in data["files"] if f["filename"].endswith(".whl")]
    assert wheel["url"].startswith(site.files_url + "/packages/")  # public: straight from the file URL
    metadata = requests.get(wheel["url"] + ".metadata", timeout=10)
    assert metadata.status_code == 200
    assert hashlib.sha256(metadata.content).hexdigest() == wheel["core-metadata"]["sha256"]
    assert b"Name: cheese-demo" in metadata.content

    page.goto(site.url + "/project/cheese-demo/")
    expect(page.get_by_role("heading", name="cheese-demo 1.0")).to_be_visible()
    expect(page.locator(".description strong")).to_have_text("test")
    assert json.loads(requests.get(site.url + "/pypi/cheese-demo/json", timeout=10).text)["info"]["version"] == "1.0"


def test_scoped_and_revoked_tokens(maintainer, site, tmp_path):
    page = maintainer
    everything = make_token(page, site, "bootstrap")
    assert twine(site, everything, build(tmp_path, "cheese-one")).returncode == 0
    assert twine(site, everything, build(tmp_path, "cheese-two")).returncode == 0

    scoped = make_token(page, site, "only one", scope="Only cheese-one")
    refused = twine(site, scoped, build(tmp_path, "cheese-two", "2.0"))
    assert refused.returncode != 0
    assert "403" in refused.stdout + refused.stderr and "not scoped to the project" in refused.stdout + refused.stderr
    assert twine(site, scoped, build(tmp_path, "cheese-one", "2.0")).returncode == 0

    page.goto(site.url + "/manage/account/token/")
    page.get_by_role("button", name="Revoke token only one").click()
    expect(page.get_by_role("status")).to_contain_text("revoked")
    started = time.monotonic()
    revoked = twine(site, scoped, build(tmp_path, "cheese-one", "3.0"))
    assert revoked.returncode != 0 and "403" in revoked.stdout + revoked.stderr
    assert time.monotonic() - started < 60
    assert re.search(r"cheese_one-2\.0", requests.get(site.url + "/simple/cheese-one/", timeout=10).text)
    assert "3.0" not in requests.get(site.url + "/simple/cheese-one/", timeout=10).text
