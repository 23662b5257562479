"""Hostile or odd input gets a clear 4xx, never a 500, and leaves nothing behind."""
from __future__ import annotations

import pytest

from chalicelib.accounts.models import User
from tests import distributions as d
from tests.functional.forklift.test_upload import objects, upload

LONG = "a" * 3000


@pytest.mark.parametrize("path, fields", [
    ("/account/register/", {"username": "bob", "full_name": "B", "email": "bob@example.com",
                            "password": "Tr0ub4dor&3-" * 12, "password_confirm": "Tr0ub4dor&3-" * 12}),
    ("/account/login/", {"username": LONG, "password": "x"}),
    ("/account/login/", {"username": LONG + "@example.com", "password": "x"}),
    ("/account/request-password-reset/", {"username_or_email": LONG}),
    ("/account/register/", {"username": LONG, "full_name": LONG, "email": LONG + "@example.com",
                            "password": "x", "password_confirm": "x"}),
])
def test_long_form_input(browser, path, fields):
    page = browser.submit(path, fields)
    assert page.status < 500, page.text


def test_a_long_password_is_judged_by_a_prefix(browser):
    password = "correct horse battery staple " * 5  # 145 characters
    page = browser.submit("/account/register/", {"username": "bob", "full_name": "B", "email": "bob@example.com",
                                                 "password": password, "password_confirm": password})
    assert page.status == 303, page.text
    assert User.get("bob").username == "bob"


@pytest.mark.parametrize("target", ["/%0d%0aSet-Cookie:%20x", "/\t/evil.example/", "//evil.example/"])
def test_next_with_control_characters_or_other_hosts_is_ignored(browser, target):
    page = browser.get(f"/account/login/?next={target}")
    assert page.status == 200
    assert "Set-Cookie: x" not in page.text and "evil.example" not in page.text


def test_a_form_post_to_legacy_is_a_plain_400(client, token):
    response = client.http.post("/legacy/", headers={"content-type": "application/x-www-form-urlencoded",
                                                     "authorization": d.basic(token)}, body=b"a=b")
    assert response.status_code == 400 and response.headers["Content-Type"].startswith("text/plain")
    assert b"multipart/form-data" in response.body


def test_a_huge_version_is_refused(client, token):
    version = "1." + "9" * 5000
    status, text = upload(client, d.basic(token), d.wheel(), d.wheel_name(), version=version)
    assert status == 400 and objects() == []


@pytest.mark.parametrize("part", [
    b'Content-Disposition: form-data; name="author"\r\n\r\n\xff\xfe not UTF-8',
    b'Content-Disposition: form-data; name="author"\r\nContent-Type: text/plain; charset=x-no-such\r\n\r\nEve',
])
def test_an_upload_field_that_cannot_be_decoded_is_a_clear_refusal(client, token, part):
    body, content_type = d.form(d.wheel(), d.wheel_name())
    boundary = content_type.split("boundary=")[1].encode()
    body = body.replace(b"--" + boundary + b"\r\n", b"--" + boundary + b"\r\n" + part + b"\r\n--" + boundary + b"\r\n",
                        1)
    response = client.http.post("/legacy/", headers={"content-type": content_type, "authorization": d.basic(token)},
                                body=body)
    assert response.status_code == 400 and b"UTF-8" in response.body
    assert objects() == []


def test_a_next_beyond_ascii_is_kept_percent_encoded(browser):
    from chalicelib.web.request import safe_next

    assert safe_next("/project/caf\u00e9/", "/") == "/project/caf%C3%A9/"
    page = browser.get("/account/login/?next=/project/caf%C3%A9/")
    assert page.status == 200


@pytest.mark.parametrize("email", ["bob\x00@example.com", "bo\x01b@example.com", "bob\x7f@example.com"])
def test_addresses_with_control_characters_are_refused(browser, email):
    page = browser.submit("/account/register/", {"username": "bob", "full_name": "B", "email": email,
                                                 "password": "correct horse battery staple",
                                                 "password_confirm": "correct horse battery staple"})
    assert page.status == 400 and "This is not a valid email address." in page.text
    assert User.count() == 0
