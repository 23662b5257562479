"""Registration: every validation error is a 400 that names the field and stores nothing."""
from __future__ import annotations

import pytest

from chalicelib.accounts.models import Email, EmailOwner, User
from chalicelib.events.models import Event
from tests.functional.conftest import PASSWORD, register

GOOD = {"username": "bob", "full_name": "Bob", "email": "bob@example.com",
        "password": PASSWORD, "password_confirm": PASSWORD}


def nothing_stored() -> bool:
    return (User.count() == 0 and Email.count() == 0
            and Event.count() == 0 and EmailOwner.count() == 0)


@pytest.mark.parametrize("changes, field, message", [
    ({"username": ""}, "username", "Username is required."),
    ({"username": "x" * 51}, "username", "at most 50 characters"),
    ({"username": "bob smith"}, "username", "start and end with a letter or number"),
    ({"username": "-bob"}, "username", "start and end with a letter or number"),
    ({"username": "bob."}, "username", "start and end with a letter or number"),
    ({"username": "böb"}, "username", "start and end with a letter or number"),
    ({"full_name": "n" * 101}, "full_name", "at most 100 characters"),
    ({"email": ""}, "email", "Email is required."),
    ({"email": "bob@"}, "email", "not a valid email address"),
    ({"email": "bob example.com"}, "email", "not a valid email address"),
    ({"password": "short1", "password_confirm": "short1"}, "password", "at least 8 characters"),
    ({"password": "p" * 4097, "password_confirm": "p" * 4097}, "password", "at most 4096"),
    ({"password_confirm": PASSWORD + "x"}, "password", "do not match"),
    ({"password": "password1", "password_confirm": "password1"}, "password", "too common"),
    ({"password": "TrustNo1", "password_confirm": "TrustNo1"}, "password", "too common"),
    ({"password": "bobbobbobbob", "password_confirm": "bobbobbobbob"}, "password", "too easy to guess"),
])
def test_invalid_registration_is_refused_and_stores_nothing(browser, mailbox, changes, field, message):
    page = browser.submit("/account/register/", {**GOOD, **changes})
    assert page.status == 400
    assert f'id="{field}-error"' in page.text
    assert message in page.text
    assert 'aria-invalid="true"' in page.text
    assert nothing_stored()
    assert mailbox.messages() == []


def test_form_values_come_back_but_passwords_do_not(browser):
    page = browser.submit("/account/register/", {**GOOD, "email": "nope"})
    assert 'value="bob"' in page.text
    assert PASSWORD not in page.text


def test_username_is_unique_case_insensitively(browser):
    register(browser, "Carol")
    page = browser.submit("/account/register/", {**GOOD, "username": "cAROL", "email": "c2@example.com"})
    assert page.status == 400
    assert "already taken" in page.text
    assert User.count() == 1


def test_registration_stores_argon2id_hash_and_sends_verification(browser, mailbox):
    page = browser.submit("/account/register/", GOOD)
    assert page.status == 303
    assert page.location.startswith("/account/login/")
    user = User.get("bob")
    assert user.password_hash.startswith("$argon2id$")
    assert PASSWORD not in user.password_hash
    [message] = mailbox.to("bob@example.com")
    assert message["Subject"] == "Verify your email address for cheeseshop"
    kinds = {part.get_content_type() for part in message.walk()}
    assert {"text/plain", "text/html"} <= kinds
    assert mailbox.last_link("bob@example.com", "/account/verify-email/").startswith("/account/verify-email/?token=")


def test_verified_address_cannot_be_registered_again(alice, client, mailbox):
    from tests.helpers import Browser

    other = Browser(client)
    page = other.submit("/account/register/", {**GOOD, "email": "ALICE@example.com"})
    assert page.status == 400
    assert "already in use" in page.text


def test_unverified_address_can_be_claimed_but_only_one_verification_wins(browser, client, mailbox):
    from tests.helpers import Browser

    register(browser, "first", email="shared@example.com")
    first_link = mailbox.last_link("shared@example.com", "/account/verify-email/")
    register(Browser(client), "second", email="shared@example.com")
    second_link = mailbox.last_link("shared@example.com", "/account/verify-email/")
    assert first_link != second_link
    assert browser.get(second_link).status == 303
    page = browser.get(first_link)
    assert page.status == 400
    assert "already been verified" in page.text
    assert EmailOwner.get("shared@example.com").username == "second"
