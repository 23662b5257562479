"""Names are ASCII, as PEP 508 says: no look-alike letters beside their ASCII twins."""
from __future__ import annotations

import pytest

from chalicelib.accounts.models import User
from chalicelib.packaging.models import Project
from tests import distributions as d
from tests.functional.forklift.test_upload import objects, upload

LOOK_ALIKES = ["ſam", "ıan", "\u212aim", "sam\u0301"]  # long s, dotless i, Kelvin sign, a combining accent


@pytest.mark.parametrize("username", LOOK_ALIKES)
def test_usernames_with_look_alike_letters_are_refused(browser, username):
    page = browser.submit("/account/register/", {"username": username, "full_name": "X", "email": "x@example.com",
                                                 "password": "correct horse battery staple",
                                                 "password_confirm": "correct horse battery staple"})
    assert page.status == 400 and "Username must start and end with a letter or number" in page.text
    assert User.count() == 0


@pytest.mark.parametrize("name", ["cheeſe", "chıcken", "\u212aase"])
def test_project_names_with_look_alike_letters_are_refused(client, token, name):
    status, text = upload(client, d.basic(token), d.wheel(), d.wheel_name(), name=name)
    assert status == 400 and "invalid value for Name" in text
    assert objects() == [] and Project.count() == 0


def test_deployed_stages_send_hsts(client, monkeypatch):
    assert "Strict-Transport-Security" not in client.http.get("/").headers
    monkeypatch.setenv("CHEESESHOP_STAGE", "prod")
    assert client.http.get("/").headers["Strict-Transport-Security"].startswith("max-age=31536000")
