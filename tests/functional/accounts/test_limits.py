"""Limits that hold: concurrent guesses, one identity per account, failures only."""
from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

import pytest

from chalicelib.accounts import login as accounts_login
from chalicelib.core.errors import InvalidCredentials, RateLimited
from chalicelib.core.origin import Origin
from chalicelib.core.ratelimit import LOGIN_PER_USER
from chalicelib.events.models import Event
from tests.functional.conftest import PASSWORD, login
from tests.helpers import Browser


def attempt(password: str, who: str = "alice", ip: str = "", device: str = "") -> str:
    try:
        accounts_login.login(login=who, password=password,
                             origin=Origin(ip=ip or f"192.0.2.{hash(password) % 200}", device=device))
    except InvalidCredentials:
        return "checked"
    except RateLimited:
        return "limited"
    return "in"


def test_concurrent_wrong_passwords_are_checked_at_most_up_to_the_limit(frozen, alice, atomic_store_calls):
    """Time is frozen so the attempts cannot straddle two windows of the limit."""
    with ThreadPoolExecutor(max_workers=10) as pool:
        outcomes = list(pool.map(attempt, [f"wrong {n}" for n in range(30)]))
    assert outcomes.count("checked") == LOGIN_PER_USER.most
    assert outcomes.count("limited") == 30 - LOGIN_PER_USER.most
    failures = [e for e in Event.query("alice") if e.tag == "account:login:failure"]
    assert len(failures) == LOGIN_PER_USER.most


def test_the_account_is_one_identity_whatever_names_it(frozen, alice):
    for n in range(LOGIN_PER_USER.most):
        assert attempt(f"wrong {n}", who="alice" if n % 2 else "alice@example.com") == "checked"
    assert attempt(PASSWORD, who="alice@example.com", ip="198.51.100.1") == "limited"
    assert attempt(PASSWORD, who="ALICE", ip="198.51.100.2") == "limited"


def test_right_passwords_do_not_use_up_the_limit(browser, alice):
    for _ in range(LOGIN_PER_USER.most + 2):
        login(browser)
    assert attempt("wrong") == "checked"


@pytest.mark.parametrize("who", ["nobody", "nobody@example.com"])
def test_unknown_names_are_limited_too(client, who):
    outcomes = [attempt(f"wrong {n}", who=who, ip=f"203.0.113.{n}") for n in range(LOGIN_PER_USER.most + 1)]
    assert outcomes[-1] == "limited" and outcomes.count("checked") == LOGIN_PER_USER.most


def test_strangers_cannot_lock_out_a_browser_that_logged_in_before(frozen, client, alice, mailbox):
    """alice's browser logged in (the alice fixture); strangers then use up the account's limit."""
    for n in range(LOGIN_PER_USER.most):
        assert attempt(f"wrong {n}", ip=f"203.0.113.{n}") == "checked"
    stranger = Browser(client)
    locked = stranger.submit("/account/login/", {"username": "alice", "password": PASSWORD})
    assert locked.status == 429

    assert "cheeseshop_device" in alice.cookies
    alice.cookies.pop("cheeseshop_session")
    mine = alice.submit("/account/login/", {"username": "alice", "password": PASSWORD})
    assert mine.status == 303 and "cheeseshop_session" in alice.cookies


def test_a_known_browser_has_a_limit_of_its_own(frozen, alice):
    device = alice.cookies["cheeseshop_device"]
    for n in range(LOGIN_PER_USER.most):
        assert attempt(f"wrong {n}", ip=f"198.51.100.{n}", device=device) == "checked"
    assert attempt(PASSWORD, ip="198.51.100.99", device=device) == "limited"  # that browser is paused
    assert attempt(PASSWORD, ip="198.51.100.98") == "in"  # its failures did not use up the account's limit
    forged = device.rsplit(".", 1)[0] + "." + "A" * 27  # (a changed last character may decode alike)
    for n in range(LOGIN_PER_USER.most):  # a cookie the server did not sign counts as none
        assert attempt(f"wrong {n}", ip=f"192.0.2.{n}", device=forged) == "checked"
    assert attempt(PASSWORD, ip="192.0.2.99", device=forged) == "limited"
