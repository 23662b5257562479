"""Logging in and out: sessions, CSRF, rate limits and the security history."""
from __future__ import annotations

import hashlib

from freezegun import freeze_time

from chalicelib.accounts import sessions
from chalicelib.accounts.models import Session, User
from chalicelib.events.models import Event
from tests.functional.conftest import PASSWORD, login, register
from tests.helpers import Browser


def attempt(browser: Browser, username: str, password: str):
    return browser.submit("/account/login/", {"username": username, "password": password})


def tags(username: str) -> list[str]:
    return [event.tag for event in Event.query(username)]


def test_post_without_or_with_foreign_csrf_token_is_refused(browser, client):
    register(browser)
    browser.cookies.pop(sessions.CSRF_COOKIE, None)
    page = browser.post("/account/login/", {"username": "alice", "password": PASSWORD})
    assert page.status == 403
    assert "did not come from this site" in page.text

    other = Browser(client)
    foreign_token = other.get("/account/login/").csrf()
    browser.get("/account/login/")
    page = browser.post("/account/login/", {"username": "alice", "password": PASSWORD}, csrf=foreign_token)
    assert page.status == 403
    assert Session.count() == 0


def test_csrf_refusal_on_register_stores_nothing(browser):
    page = browser.post("/account/register/", {"username": "eve", "email": "eve@example.com",
                                               "password": PASSWORD, "password_confirm": PASSWORD},
                        csrf="forged")
    assert page.status == 403
    assert User.count() == 0


def test_login_rotates_session_and_csrf_cookies(browser):
    register(browser)
    csrf_before = browser.get("/account/login/").csrf()
    cookie_before = browser.cookies[sessions.CSRF_COOKIE]
    login(browser)
    first_session = browser.cookies[sessions.SESSION_COOKIE]
    assert browser.cookies[sessions.CSRF_COOKIE] != cookie_before
    # The token of the pre-login form is dead after login.
    assert browser.post("/account/logout/", {}, csrf=csrf_before).status == 403

    login(browser)  # logging in again gives a new id and ends the old session
    assert browser.cookies[sessions.SESSION_COOKIE] != first_session
    assert sessions.load(first_session) is None
    assert Session.count() == 1


def test_session_is_stored_by_hash_with_safe_cookie_flags(browser):
    register(browser)
    page = attempt(browser, "alice", PASSWORD)
    [cookie] = [c for c in page.headers["Set-Cookie"] if c.startswith(sessions.SESSION_COOKIE)]
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie and "Path=/" in cookie
    assert "Secure" not in cookie  # the local stages serve plain http
    token = browser.cookies[sessions.SESSION_COOKIE]
    [stored] = list(Session.scan())
    assert stored.id == hashlib.sha256(token.encode()).hexdigest()
    assert token not in stored.id


def test_logout_ends_the_session_on_the_server(browser):
    register(browser)
    login(browser)
    token = browser.cookies[sessions.SESSION_COOKIE]
    page = browser.get("/manage/account/")
    assert browser.post("/account/logout/", {}, csrf=page.csrf()).status == 303
    assert sessions.SESSION_COOKIE not in browser.cookies
    browser.cookies[sessions.SESSION_COOKIE] = token  # a stolen copy of the old cookie
    assert browser.get("/manage/account/").status == 303
    assert "account:logout" in tags("alice")


def test_wrong_password_and_unknown_user_get_the_same_answer(browser):
    register(browser)
    wrong = attempt(browser, "alice", "not the password")
    unknown = attempt(browser, "nobody", "not the password")
    assert wrong.status == unknown.status == 401
    assert "The username or password is not correct." in wrong.text
    assert "The username or password is not correct." in unknown.text
    assert "account:login:failure" in tags("alice")


def test_login_by_verified_email_only(alice, client, mailbox):
    fresh = Browser(client)
    assert attempt(fresh, "ALICE@example.com", PASSWORD).status == 303
    register(fresh, "dora", email="dora@example.com")
    assert attempt(Browser(client), "dora@example.com", PASSWORD).status == 401


def test_ten_failures_lock_the_user_with_429_and_a_mail(browser, mailbox):
    register(browser)
    with freeze_time("2026-01-01 12:00:00") as frozen:
        for _ in range(10):
            assert attempt(browser, "alice", "wrong password").status == 401
        page = attempt(browser, "alice", PASSWORD)  # even the right password waits
        assert page.status == 429
        assert 1 <= int(page.headers["Retry-After"]) <= 300
        assert "Too many failed login attempts" in page.text
        assert Session.count() == 0
        assert any(m["Subject"] == "Failed logins to your cheeseshop account"
                   for m in mailbox.to("alice@example.com"))
        assert "account:login:rate-limited" in tags("alice")
        frozen.tick(301)
        assert attempt(browser, "alice", PASSWORD).status == 303


def test_failures_from_one_ip_across_users_are_limited(browser):
    with freeze_time("2026-01-01 12:00:00"):
        for number in range(10):
            assert attempt(browser, f"user{number}", "whatever it is").status == 401
        page = attempt(browser, "someone-else", "whatever it is")
    assert page.status == 429
    assert "Retry-After" in page.headers


def test_password_is_rehashed_when_parameters_change(browser, monkeypatch):
    from argon2 import PasswordHasher

    from chalicelib.accounts import passwords

    monkeypatch.setattr(passwords, "_hasher", PasswordHasher())  # the site's own parameters
    register(browser)
    weak = PasswordHasher(time_cost=1, memory_cost=8192, parallelism=1).hash(PASSWORD)
    User("alice").update(actions=[User.password_hash.set(weak)])
    login(browser)
    stored = User.get("alice").password_hash
    assert stored != weak and stored.startswith("$argon2id$")
    assert not PasswordHasher().check_needs_rehash(stored)


def test_security_headers_on_pages(browser):
    page = browser.get("/account/login/")
    assert page.headers["X-Frame-Options"] == "DENY"
    assert page.headers["Referrer-Policy"] == "no-referrer"
    assert "frame-ancestors 'none'" in page.headers["Content-Security-Policy"]


def test_next_parameter_only_allows_local_paths(browser):
    register(browser)
    token = browser.get("/account/login/").csrf()
    page = browser.post("/account/login/", {"username": "alice", "password": PASSWORD,
                                            "next": "//evil.example/"}, csrf=token)
    assert page.location == "/manage/account/"
