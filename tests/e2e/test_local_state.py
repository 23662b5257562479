"""`make run` keeps its data: an account made before a restart can log in after it."""
from __future__ import annotations

import re
import urllib.parse

import requests

from tests.e2e.conftest import start_site

PASSWORD = "amber harbour tulip 93"


def csrf(session: requests.Session, url: str) -> str:
    match = re.search(r'name="csrf_token" value="([^"]+)"', session.get(url, timeout=10).text)
    assert match
    return match.group(1)


def register(url: str) -> None:
    http = requests.Session()
    form = {"csrf_token": csrf(http, url + "/account/register/"), "username": "keeper",
            "email": "keeper@example.com", "password": PASSWORD, "password_confirm": PASSWORD}
    response = http.post(url + "/account/register/", data=form, allow_redirects=False, timeout=30)
    assert response.status_code == 303, response.text


def login_status(url: str) -> int:
    http = requests.Session()
    form = {"csrf_token": csrf(http, url + "/account/login/"), "username": "keeper", "password": PASSWORD}
    return http.post(url + "/account/login/", data=form, allow_redirects=False, timeout=30).status_code


def test_accounts_survive_a_restart(tmp_path):
    first = start_site(tmp_path)
    try:
        register(first.url)
        link = first.mailbox.last_link("keeper@example.com", "/account/verify-email/")
        assert requests.get(first.url + link, allow_redirects=False, timeout=10).status_code == 303
    finally:
        first.stop()
    assert first.process.returncode == 0

    second = start_site(tmp_path, port=first.port)  # a new moto server, same LOCAL_DIR
    try:
        assert login_status(second.url) == 303
        # The verification was restored too: the link is spent.
        page = requests.get(second.url + link, allow_redirects=False, timeout=10)
        assert page.status_code == 400
        assert "cannot be used" in page.text
        assert urllib.parse.urlsplit(second.url).port == first.port
    finally:
        second.stop()
