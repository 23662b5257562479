"""A store call of adding an authenticator app fails, cleanly or ambiguously: the answer is the
503 page (a mail that cannot be sent is logged instead); the app is never saved without its
security event, or the event kept without the app; trying again ends with one of each."""
from __future__ import annotations

import re

import pytest

from chalicelib.accounts.models import User
from chalicelib.events.models import Event
from chalicelib.events.tags import Tag
from tests.functional.conftest import SECRET_RE, Faults, totp_code
from tests.helpers import Browser

PAGE = "/manage/account/totp-provision/"
CALLS_IN_AN_ENROLLMENT = 6  # session, count the attempt, give it back, user, app and event, mail


def setup(browser: Browser):
    page = browser.get(PAGE)
    assert page.status == 200, page.text
    token = re.search(r'name="setup_token" value="([^"]+)"', page.text).group(1)
    return page, {"setup_token": token, "code": totp_code(SECRET_RE.search(page.text).group(1))}


def enrolled() -> bool:
    """Whether alice has an app; asserts that it and its event were written together."""
    events = [e for e in Event.query("alice") if e.tag == Tag.TOTP_ADD]
    has_app = User.get("alice").totp_secret is not None
    assert len(events) == (1 if has_app else 0), (has_app, len(events))
    return has_app


def test_an_enrollment_makes_the_store_calls_counted_here(frozen, alice, monkeypatch):
    page, form = setup(alice)
    faults = Faults(monkeypatch)
    faults.arm(at=0, ambiguous=False)
    assert alice.post(PAGE, form, csrf=page.csrf()).status == 303
    assert len(faults.calls) == CALLS_IN_AN_ENROLLMENT, faults.calls
    assert enrolled()


@pytest.mark.parametrize("ambiguous", [False, True], ids=["clean", "ambiguous"])
@pytest.mark.parametrize("at", range(1, CALLS_IN_AN_ENROLLMENT + 1))
def test_a_failure_at_each_store_call_of_an_enrollment(frozen, alice, monkeypatch, at, ambiguous):
    page, form = setup(alice)
    faults = Faults(monkeypatch)
    faults.arm(at, ambiguous)
    answer = alice.post(PAGE, form, csrf=page.csrf())
    failed = faults.calls[at - 1]
    if failed == "SendRawEmail":  # the notice could not go out: logged, and the change stands
        assert answer.status == 303 and enrolled()
    else:
        assert answer.status == 503 and "temporarily unavailable" in answer.text, (failed, answer)
    enrolled()

    faults.arm(at=0, ambiguous=False)
    again = alice.get(PAGE)
    if again.status == 303:  # the failed request had saved it
        assert again.location == "/manage/account/?notice=totp-exists"
    else:
        page, form = setup(alice)
        assert alice.post(PAGE, form, csrf=page.csrf()).status == 303, failed
    assert enrolled()
