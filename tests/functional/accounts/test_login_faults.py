"""A store call of a login with an authenticator app fails, cleanly or ambiguously: the
browser gets the 503 page, never a refusal that blames the user or a 500; no session exists
without its login event; and logging in again then works."""
from __future__ import annotations

import pytest

from chalicelib.accounts.models import Session
from chalicelib.events.models import Event
from chalicelib.events.tags import Tag
from tests.functional.conftest import Faults, enroll_totp, password_step, totp_code
from tests.helpers import Browser

CALLS_IN_A_LOGIN = 7  # password: user, count the attempt, give it back; code: session, user, count, the login


def log_in(browser: Browser, secret: str) -> list:
    """The password, then the code; stops at the first answer that is not the way on."""
    answers = [password_step(browser)]
    if answers[-1].location == "/account/two-factor/":
        answers.append(browser.get("/account/two-factor/"))
    if answers[-1].status == 200:
        answers.append(browser.post("/account/two-factor/", {"code": totp_code(secret)}, csrf=answers[-1].csrf()))
    return answers


def consistent() -> None:
    """Every session was made with its login event (one transaction), and the other way round."""
    sessions = list(Session.by_user.query("alice"))
    logins = [e for e in Event.query("alice") if e.tag == Tag.LOGIN_SUCCESS]
    assert len(sessions) == len(logins), (len(sessions), len(logins))


def test_a_login_makes_the_store_calls_counted_here(frozen, client, alice, monkeypatch):
    secret = enroll_totp(alice)
    faults = Faults(monkeypatch)
    frozen.tick(30)
    faults.arm(at=0, ambiguous=False)
    assert log_in(Browser(client), secret)[-1].location == "/manage/account/"
    assert len(faults.calls) == CALLS_IN_A_LOGIN, faults.calls


@pytest.mark.parametrize("ambiguous", [False, True], ids=["clean", "ambiguous"])
@pytest.mark.parametrize("at", range(1, CALLS_IN_A_LOGIN + 1))
def test_a_failure_at_each_store_call_of_a_login(frozen, client, alice, monkeypatch, at, ambiguous):
    secret = enroll_totp(alice)
    faults = Faults(monkeypatch)
    frozen.tick(30)
    faults.arm(at, ambiguous)
    answers = log_in(Browser(client), secret)
    failed = faults.calls[at - 1]
    assert answers[-1].status == 503 and "temporarily unavailable" in answers[-1].text, (failed, answers[-1])
    consistent()

    faults.arm(at=0, ambiguous=False)
    frozen.tick(30)  # the next code: the failed attempt may have spent this one
    assert log_in(Browser(client), secret)[-1].location == "/manage/account/", failed
    consistent()
