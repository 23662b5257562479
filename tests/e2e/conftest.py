"""End-to-end: the real `make run` launcher (moto server + chalice local) and Chromium."""
from __future__ import annotations

import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
import requests

from tests.conftest import ROOT
from tests.helpers import Mailbox

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--disable-quic", "--no-first-run"]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@dataclass
class LocalSite:
    url: str
    local_dir: Path
    process: subprocess.Popen[bytes]
    port: int
    moto_port: int
    files_port: int  # the local file server's, which public files are linked to

    @property
    def files_url(self) -> str:
        return f"http://127.0.0.1:{self.files_port}"

    @property
    def mailbox(self) -> Mailbox:
        return Mailbox(self.local_dir / "mail")

    def stop(self) -> None:
        """As Ctrl-C does (the launcher takes SIGTERM the same way): SIGTERM, since a shell without
        job control starts background commands with SIGINT ignored."""
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            self.process.wait(timeout=30)


def start_site(local_dir: Path, port: int | None = None, moto_port: int | None = None, output: Any = None,
               **settings: str) -> LocalSite:
    """`make run`'s launcher on free ports (output: a file its processes' logs go to)."""
    port, moto_port, files_port = port or free_port(), moto_port or free_port(), free_port()
    env = {**os.environ, "PORT": str(port), "MOTO_PORT": str(moto_port), "FILES_PORT": str(files_port),
           "LOCAL_DIR": str(local_dir), **settings}
    process = subprocess.Popen([sys.executable, str(ROOT / "scripts" / "run_local.py")], env=env, cwd=ROOT,
                               stdout=output, stderr=subprocess.STDOUT if output is not None else None)
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        assert process.poll() is None, "the launcher exited early"
        try:
            urllib.request.urlopen(url + "/", timeout=2).close()
            return LocalSite(url, local_dir, process, port, moto_port, files_port)
        except OSError:
            time.sleep(0.5)
    process.kill()
    raise AssertionError("the site did not come up")


@pytest.fixture(scope="session")
def site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LocalSite]:
    running = start_site(tmp_path_factory.mktemp("local"))
    yield running
    running.stop()


def own_site(tmp_path_factory: pytest.TempPathFactory, **settings: str) -> Iterator[LocalSite]:
    """A stack for one module that registers users: the shared stack's registrations already
    reach what one address may make in an hour (10), and chalice local reports every browser as
    127.0.0.1. Modules that make accounts beyond the shared stack's count use one of these."""
    running = start_site(tmp_path_factory.mktemp("local"), **settings)
    yield running
    running.stop()


@pytest.fixture(scope="session")
def chromium() -> Iterator[Any]:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


def _page(chromium: Any, **options: Any) -> Iterator[Any]:
    context = chromium.new_context(**options)
    page = context.new_page()
    page.set_default_timeout(15000)
    page.console_errors = []
    page.on("console", lambda message: message.type == "error" and page.console_errors.append(message.text))
    yield page
    context.close()


@pytest.fixture
def page(chromium: Any) -> Iterator[Any]:
    """A page under the site's own Content-Security-Policy."""
    yield from _page(chromium)


@pytest.fixture
def audit_page(chromium: Any) -> Iterator[Any]:
    """For axe-core audits only: the CSP is bypassed so the test can inject axe."""
    yield from _page(chromium, bypass_csp=True)


CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')
TOKEN_USER_PASSWORD = "copper falcon ribbon 58"


def _csrf(session: requests.Session, url: str) -> str:
    return CSRF.search(session.get(url, timeout=10).text).group(1)  # type: ignore[union-attr]


def http_token(site: LocalSite, username: str) -> str:
    """An all-projects API token of a new verified user with an authenticator app, made over HTTP."""
    import pyotp

    web = requests.Session()
    register = site.url + "/account/register/"
    web.post(register, timeout=30, data={
        "username": username, "full_name": "C", "email": f"{username}@example.com", "password": TOKEN_USER_PASSWORD,
        "password_confirm": TOKEN_USER_PASSWORD, "csrf_token": _csrf(web, register)})
    web.get(site.url + site.mailbox.last_link(f"{username}@example.com", "/account/verify-email/"), timeout=10)
    login = site.url + "/account/login/"
    web.post(login, timeout=30, data={"username": username, "password": TOKEN_USER_PASSWORD,
                                      "csrf_token": _csrf(web, login)})
    provision = web.get(site.url + "/manage/account/totp-provision/", timeout=10).text
    secret = re.search(r'<code id="totp-secret">([A-Z2-7]+)</code>', provision).group(1)  # type: ignore[union-attr]
    setup = re.search(r'name="setup_token" value="([^"]+)"', provision).group(1)  # type: ignore[union-attr]
    web.post(site.url + "/manage/account/totp-provision/", timeout=10, data={
        "setup_token": setup, "code": pyotp.TOTP(secret).now(), "csrf_token": CSRF.search(provision).group(1)})
    page = site.url + "/manage/account/token/"
    made = web.post(page, timeout=10, data={"name": "ci", "scope": "", "expires": "", "csrf_token": _csrf(web, page)})
    return re.search(r'<code id="new-token">([^<]+)</code>', made.text).group(1)  # type: ignore[union-attr]
