"""Installs that never reach the app for a file: `make run` links public files to its local file
server (as a deployment links them to its CDN), and a real pip installs through those links
while the app's /packages/ route is never called."""
from __future__ import annotations

import subprocess
import sys

import pytest
import requests

from tests.e2e.conftest import http_token, own_site
from tests.e2e.test_publish_and_install import build, twine


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    yield from own_site(tmp_path_factory)


def test_pip_fetches_files_and_metadata_from_the_file_url_never_from_the_app(site, tmp_path):
    assert twine(site, http_token(site, "dora"), build(tmp_path, "direct-cheese")).returncode == 0
    page = requests.get(site.url + "/simple/direct-cheese/", timeout=10).text
    assert f'href="{site.files_url}/packages/' in page and 'href="/packages/' not in page

    installed = subprocess.run([sys.executable, "-m", "pip", "install", "-vvv", "--no-cache-dir", "--no-input",
                                "--disable-pip-version-check", "--target", str(tmp_path / "into"),
                                "--index-url", site.url + "/simple/", "direct-cheese"],
                               capture_output=True, text=True, timeout=180)
    assert installed.returncode == 0, installed.stderr
    assert (tmp_path / "into" / "direct_cheese" / "__init__.py").exists()
    log = installed.stdout + installed.stderr
    fetched = [line for line in log.splitlines() if '"GET /' in line]
    assert any(f"127.0.0.1:{site.files_port} " in line and ".whl.metadata" in line for line in fetched), fetched
    assert any(f"127.0.0.1:{site.files_port} " in line and line.split('"GET ')[1].split()[0].endswith(".whl")
               for line in fetched), fetched
    assert not [line for line in fetched if f"127.0.0.1:{site.port} " in line and "/packages/" in line]

    wheel = page.split(f'href="{site.files_url}')[1].split("#")[0]
    served = requests.get(site.files_url + wheel, timeout=10)
    assert served.status_code == 200 and "immutable" in served.headers["Cache-Control"]
    assert requests.put(site.files_url + wheel, data=b"other bytes", timeout=10).status_code == 405
    assert requests.get(site.files_url + "/staging/anything", timeout=10).status_code == 404
