"""One index URL end to end: `make run` with a second local index as its upstream (one this
test fills), pip and uv as installers, and an administrator's rules set on /admin/upstream/ in
Chromium. The upstream gains a higher version of a local name and a name in a granted
namespace; files are blocked and too young; then the upstream stops."""
from __future__ import annotations

import json
import os
import subprocess
import sys
from datetime import UTC, datetime
from pathlib import Path

import pytest
import requests
from playwright.sync_api import expect

from tests import distributions as d
from tests.conftest import ROOT
from tests.e2e.conftest import http_token, own_site
from tests.e2e.test_account_journey import signed_up
from tests.e2e.test_publish_and_install import twine
from tests.upstream import Upstream

BIN = Path(sys.executable).parent
JSON = {"Accept": "application/vnd.pypi.simple.v1+json"}


@pytest.fixture(scope="module")
def upstream():
    index = Upstream().start()
    for name, version in (("gouda", "1.0"), ("cheddar", "1.0"), ("cheddar", "2.0"), ("internal-tool", "99.0"),
                          ("acme-newthing", "1.0")):
        index.add(name, d.wheel_name(name, version), d.wheel(name, version))
    young = datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")
    index.add("brie", d.wheel_name("brie", "1.0"), d.wheel("brie", "1.0"), upload_time=young)
    yield index
    index.stop()


@pytest.fixture(scope="module")
def site(tmp_path_factory, upstream):
    yield from own_site(tmp_path_factory, CHEESESHOP_UPSTREAM_INDEX=upstream.url, CHEESESHOP_UPSTREAM_COPY="1")


def _run(*command: str | Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run([str(part) for part in command], capture_output=True, text=True, timeout=300,
                          env={**os.environ, "PYTHONDONTWRITEBYTECODE": "1"})


def pip(site, target: Path, *names: str) -> subprocess.CompletedProcess[str]:
    return _run(sys.executable, "-m", "pip", "install", "--no-deps", "--no-cache-dir", "--disable-pip-version-check",
                "--index-url", site.url + "/simple/", "--target", target, *names)


def uv(site, target: Path, *names: str) -> subprocess.CompletedProcess[str]:
    return _run(BIN / "uv", "pip", "install", "--no-deps", "--no-cache", "--python", sys.executable, "--target",
                target, "--index-url", site.url + "/simple/", *names)


def versions(target: Path) -> dict[str, str]:
    return {p.name.split("-")[0]: p.name.removesuffix(".dist-info").split("-")[1]
            for p in target.glob("*.dist-info")}


def test_one_url_serves_local_and_upstream_projects_and_keeps_confusion_out(chromium, site, upstream, tmp_path):
    token = http_token(site, "maker")
    wheel = tmp_path / d.wheel_name("internal-tool", "1.0")
    wheel.write_bytes(d.wheel("internal-tool", "1.0"))
    assert twine(site, token, [wheel]).returncode == 0  # the local project; the upstream has a 99.0 of it

    # 1 and 2: one URL installs an upstream-only name and the local one, never the upstream's higher version
    done = pip(site, tmp_path / "pip", "gouda", "internal-tool")
    assert done.returncode == 0, done.stdout + done.stderr
    assert versions(tmp_path / "pip") == {"gouda": "1.0", "internal_tool": "1.0"}
    done = uv(site, tmp_path / "uv", "gouda", "internal-tool")
    assert done.returncode == 0, done.stdout + done.stderr
    assert versions(tmp_path / "uv") == {"gouda": "1.0", "internal_tool": "1.0"}

    # 5: the hashes and upload-times served are the upstream's
    ours = requests.get(site.url + "/simple/gouda/", headers=JSON, timeout=10).json()["files"]
    theirs = json.loads(upstream.page("gouda"))["files"]
    assert [(f["hashes"], f["upload-time"]) for f in ours] == [(f["hashes"], f["upload-time"]) for f in theirs]

    # the administrator's rules, on /admin/upstream/
    context, root = signed_up(chromium, site, "root")
    try:
        granted = subprocess.run(["make", "--no-print-directory", "admin", "USER=root", f"MOTO_PORT={site.moto_port}"],
                                 cwd=ROOT, capture_output=True, text=True, timeout=300)
        assert granted.returncode == 0, granted.stdout + granted.stderr
        root.goto(site.url + "/admin/upstream/")
        root.get_by_label("Prefix").fill("acme")
        root.get_by_label("Owners").fill("maker")
        root.get_by_role("button", name="Grant").click()
        expect(root.get_by_role("status")).to_contain_text("Saved")
        root.get_by_label("Name or requirement").fill("cheddar>=2.0")
        root.get_by_label("Reason", exact=True).fill("Compromised release")
        root.get_by_role("button", name="Block", exact=True).click()
        expect(root.get_by_role("status")).to_contain_text("Saved")
        root.get_by_label("Minimum age in days").fill("3")
        root.get_by_role("button", name="Save").click()
        expect(root.get_by_role("status")).to_contain_text("Saved")
    finally:
        context.close()

    # 2: a name in the granted namespace never comes from the upstream
    assert requests.get(site.url + "/simple/acme-newthing/", timeout=10).status_code == 404
    refused = pip(site, tmp_path / "ns", "acme-newthing")
    assert refused.returncode != 0 and "No matching distribution found for acme-newthing" in refused.stderr

    # 3: a blocked version and a too young file are not installable, and say why when asked directly
    refused = pip(site, tmp_path / "blocked", "cheddar==2.0")
    assert refused.returncode != 0 and "No matching distribution" in refused.stderr
    refused = uv(site, tmp_path / "blocked-uv", "cheddar==2.0")
    assert refused.returncode != 0 and "cheddar" in refused.stderr
    assert pip(site, tmp_path / "older", "cheddar").returncode == 0
    assert versions(tmp_path / "older") == {"cheddar": "1.0"}
    blocked = requests.get(f"{site.url}/upstream-files/cheddar/{d.wheel_name('cheddar', '2.0')}", timeout=10,
                           allow_redirects=False)
    assert blocked.status_code == 403 and "Compromised release" in blocked.text
    young = requests.get(f"{site.url}/upstream-files/brie/{d.wheel_name('brie', '1.0')}", timeout=10,
                         allow_redirects=False)
    assert young.status_code == 403 and "available after" in young.text
    assert pip(site, tmp_path / "young", "brie").returncode != 0

    # 4: with the upstream stopped, what was fetched before still installs (the page stale, the file copied)
    upstream.stop()
    done = pip(site, tmp_path / "down", "gouda")
    assert done.returncode == 0, done.stdout + done.stderr
    never = requests.get(site.url + "/simple/emmental/", timeout=10)  # never fetched: nothing to serve
    assert never.status_code == 503 and "not answering" in never.text
