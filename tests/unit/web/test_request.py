"""The web edge: redirects, cookies, static files."""
from __future__ import annotations

import pytest

from chalicelib.web import request, responses


@pytest.mark.parametrize("target, expected", [
    ("/manage/account/", "/manage/account/"),
    ("//evil.example/", "/"),
    ("https://evil.example/", "/"),
    ("/\\evil.example", "/"),
    (None, "/"),
])
def test_safe_next(target, expected):
    assert request.safe_next(target, "/") == expected


def test_cookies_are_secure_in_prod(monkeypatch):
    monkeypatch.setenv("CHEESESHOP_STAGE", "prod")
    monkeypatch.setenv("CHEESESHOP_SECRET_KEY", "s" * 40)
    value = request.cookie("name", "value", 60)
    assert value.split("; ") == ["name=value", "Path=/", "HttpOnly", "SameSite=Lax", "Max-Age=60", "Secure"]


def test_static_files_by_bare_name_only():
    assert responses.static_file("cheeseshop.css")[1].startswith("text/css")
    for name in ("../base.html", "..", ".hidden.css", "base.html", "nope.css"):
        assert responses.static_file(name) is None
