from __future__ import annotations

import pytest

from chalicelib import sessions, web
from chalicelib.errors import CsrfFailure


def test_csrf_token_is_bound_to_its_cookie(settings_env):
    token = sessions.csrf_token("cookie-a")
    sessions.check_csrf("cookie-a", token)
    for cookie, submitted in (("cookie-b", token), ("cookie-a", None), (None, token), ("cookie-a", token[:-1])):
        with pytest.raises(CsrfFailure):
            sessions.check_csrf(cookie, submitted)


def test_session_ids_are_random_and_long():
    tokens = {sessions.new_token() for _ in range(100)}
    assert len(tokens) == 100 and min(map(len, tokens)) >= 43


@pytest.mark.parametrize("target, expected", [
    ("/manage/account/", "/manage/account/"),
    ("//evil.example/", "/"),
    ("https://evil.example/", "/"),
    ("/\\evil.example", "/"),
    (None, "/"),
])
def test_safe_next(target, expected):
    assert web.safe_next(target, "/") == expected


def test_cookies_are_secure_in_prod(monkeypatch):
    monkeypatch.setenv("CHEESESHOP_STAGE", "prod")
    monkeypatch.setenv("CHEESESHOP_SECRET_KEY", "s" * 40)
    value = web.cookie("name", "value", 60)
    assert value.split("; ") == ["name=value", "Path=/", "HttpOnly", "SameSite=Lax", "Max-Age=60", "Secure"]


def test_static_files_by_bare_name_only():
    assert web.static_file("cheeseshop.css")[1].startswith("text/css")
    for name in ("../base.html", "..", ".hidden.css", "base.html", "nope.css"):
        assert web.static_file(name) is None
