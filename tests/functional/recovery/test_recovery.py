"""Recovering an account whose second factor is lost: a request that says nothing about the
account, an administrator's start with evidence, a wait during which any verified address can
cancel it, then a new password with every old factor, token and session gone. Each refusal is
written as the attack it stops."""
from __future__ import annotations

import re
from datetime import timedelta

import pytest

from chalicelib.accounts.models import Session, User
from chalicelib.admin.models import AdminAction
from chalicelib.events.models import Event
from chalicelib.recovery.models import Recovery
from chalicelib.tokens.models import Token
from tests.functional.admin.conftest import act, grant
from tests.functional.conftest import PASSWORD, login, make_token, password_step
from tests.functional.packaging.conftest import member, published, user  # noqa: F401 (fixtures)
from tests.helpers import Browser

NEW_PASSWORD = "saffron harbour kettle 81"


def ask(client, login_given: str, lost: str = "all", details: str = "Phone fell in the lake"):
    return Browser(client).submit("/account/recovery/", {"login": login_given, "lost": lost, "details": details})


def request_id(login_given: str) -> str:
    [item] = [r for r in Recovery.scan() if r.login == login_given]
    return item.id


def start(root: Browser, recovery_id: str, evidence: str = "Ticket 4711: ID checked on a call"):
    return act(root, "/admin/recoveries/", f"/admin/recoveries/{recovery_id}/start/",
               {"recovery": recovery_id, "evidence": evidence})


def links(mailbox, address: str) -> dict[str, str]:
    body = mailbox.to(address)[-1].get_body(preferencelist=("plain",)).get_content()
    return {path: re.search(rf"http://\S+{re.escape(path)}\?token=\S+", body).group(0).split("/", 3)[3]
            for path in ("account/recovery/cancel/", "account/recovery/complete/") if path in body}


@pytest.fixture
def root(client, mailbox) -> Browser:
    browser = user(client, mailbox, "root")
    grant("root")
    return browser


def test_a_request_answers_alike_whether_or_not_the_account_exists(client, mailbox):
    user(client, mailbox, "alice")
    answers = [ask(client, who) for who in ("alice", "nobody-here")]
    assert [(a.status, a.location) for a in answers] == [(303, "/account/login/?notice=recovery-requested")] * 2
    told = mailbox.to("alice@example.com")[-1]
    assert told["Subject"] == "Someone asked to recover your cheeseshop account"
    assert {r.login: r.username for r in Recovery.scan() if r.queue} == {"alice": "alice", "nobody-here": None}
    assert "account:recovery:request" in [e.tag for e in Event.query("alice")]


def test_a_request_without_a_name_or_with_an_unknown_loss_is_refused(client):
    refused = ask(client, "", lost="everything")
    assert refused.status == 400 and "Enter your username" in refused.text and "Choose what you lost" in refused.text
    assert list(Recovery.scan()) == []


def test_the_login_page_offers_recovery(client):
    page = Browser(client).get("/account/login/")
    assert 'href="/account/recovery/"' in page.text and "Lost your second factor?" in page.text


def test_a_recovery_completes_only_after_the_wait_and_removes_every_old_factor(frozen, client, mailbox, root):
    alice = user(client, mailbox, "alice")
    make_token(alice)
    ask(client, "alice@example.com")
    assert start(root, request_id("alice@example.com")).location == "/admin/recoveries/?notice=recovery-started"
    mailed = links(mailbox, "alice@example.com")
    assert set(mailed) == {"account/recovery/cancel/", "account/recovery/complete/"}
    complete = "/" + mailed["account/recovery/complete/"]

    early = Browser(client)
    page = early.get(complete)
    assert page.status == 200 and "can be finished from" in page.text and "New password" not in page.text
    form = {"token": complete.split("token=")[1], "new_password": NEW_PASSWORD, "password_confirm": NEW_PASSWORD}
    refused = early.post("/account/recovery/complete/", form, csrf=page.csrf())
    assert refused.status == 400 and "This link works from" in refused.text
    assert User.get("alice").totp_secret is not None

    frozen.tick(timedelta(hours=48, seconds=1))
    finisher = Browser(client)
    page = finisher.get(complete)
    assert page.status == 200 and "New password" in page.text
    done = finisher.post("/account/recovery/complete/", {"token": complete.split("token=")[1],
                                                         "new_password": NEW_PASSWORD,
                                                         "password_confirm": NEW_PASSWORD}, csrf=page.csrf())
    assert done.status == 303 and done.location == "/manage/account/totp-provision/?notice=recovered"
    assert finisher.get("/manage/account/totp-provision/").status == 200  # logged in, enrolling a new factor

    recovered = User.get("alice")
    assert recovered.totp_secret is None and recovered.recovery_codes is None and not recovered.webauthn_keys
    assert list(Token.by_user.query("alice")) == []
    assert alice.get("/manage/account/").status == 303  # the old session is over
    assert [s.id for s in Session.by_user.query("alice")] != []  # only the finisher's
    assert password_step(Browser(client), "alice", PASSWORD).status == 401  # the old password is gone
    fresh = Browser(client)
    login(fresh, "alice", NEW_PASSWORD)  # and no second step: no factor is left
    assert {"account:recovery:start", "account:recovery:complete"} <= {e.tag for e in Event.query("alice")}
    assert {a.action for a in AdminAction.query("log")} >= {"admin:recovery:start", "admin:recovery:complete"}
    assert mailbox.to("alice@example.com")[-1]["Subject"] == "Your cheeseshop account was recovered"
    assert Recovery.get(request_id("alice@example.com")).status == "completed"
    again = finisher.get(complete)
    assert again.status == 400  # a completion link works once


def test_any_verified_address_cancels_a_recovery_and_another_may_start_then(frozen, client, mailbox, root):
    alice = user(client, mailbox, "alice")
    act(alice, "/manage/account/", "/manage/account/email/", {"email": "alice@work.example"})
    assert alice.get(mailbox.last_link("alice@work.example", "/account/verify-email/")).status == 303
    ask(client, "alice")
    start(root, request_id("alice"))
    second = links(mailbox, "alice@work.example")
    assert set(second) == {"account/recovery/cancel/"}  # the completion link goes to the primary address only
    cancel = "/" + second["account/recovery/cancel/"]
    stranger = Browser(client)
    page = stranger.get(cancel)
    done = stranger.post("/account/recovery/cancel/", {"token": cancel.split("token=")[1]}, csrf=page.csrf())
    assert done.status == 303 and done.location == "/account/login/?notice=recovery-cancelled"
    assert Recovery.get(request_id("alice")).status == "cancelled"
    ask(client, "alice@example.com")  # a second request, after the first was cancelled, may start
    assert start(root, request_id("alice@example.com")).status == 303

    frozen.tick(timedelta(hours=49))
    first_mail = [m for m in mailbox.to("alice@example.com") if "recovery/complete" in str(m)][0]
    completion = re.search(r"/account/recovery/complete/\?token=\S+",
                           first_mail.get_body(preferencelist=("plain",)).get_content()).group(0)
    assert Browser(client).get(completion).status == 400  # the cancelled recovery cannot be completed
    assert User.get("alice").totp_secret is not None


def test_a_second_recovery_cannot_start_while_one_is_open(client, mailbox, root):
    user(client, mailbox, "alice")
    ask(client, "alice")
    ask(client, "alice@example.com")
    assert start(root, request_id("alice")).status == 303
    refused = start(root, request_id("alice@example.com"))
    assert refused.status == 409 and "already open" in refused.text
    assert Recovery.get(request_id("alice@example.com")).status == "requested"


def test_a_start_needs_evidence_an_account_and_another_administrator(client, mailbox, root):
    user(client, mailbox, "alice")
    ask(client, "alice")
    refused = start(root, request_id("alice"), evidence="  ")
    assert refused.status == 400 and "Record the evidence" in refused.text
    ask(client, "ghost")
    assert start(root, request_id("ghost")).status == 400
    ask(client, "root")
    refused = start(root, request_id("root"))
    assert refused.status == 400 and "Another administrator" in refused.text
    assert {r.status for r in Recovery.scan() if r.queue} == {"requested"}


def test_only_administrators_see_and_start_recoveries(client, mailbox, root):
    user(client, mailbox, "alice")
    mallory = user(client, mailbox, "mallory")
    ask(client, "alice")
    assert mallory.get("/admin/recoveries/").status == 404
    refused = act(mallory, "/manage/account/", f"/admin/recoveries/{request_id('alice')}/start/",
                  {"evidence": "trust me"})
    assert refused.status == 404 and Recovery.get(request_id("alice")).status == "requested"


def test_a_forged_or_foreign_link_does_nothing(client, mailbox, root):
    user(client, mailbox, "alice")
    ask(client, "alice")
    start(root, request_id("alice"))
    cancel = "/" + links(mailbox, "alice@example.com")["account/recovery/cancel/"]
    forged = cancel[:-3] + "AAA"
    browser = Browser(client)
    page = browser.get(forged)
    assert browser.post("/account/recovery/cancel/", {"token": forged.split("token=")[1]},
                        csrf=page.csrf()).status == 400
    complete = "/" + links(mailbox, "alice@example.com")["account/recovery/complete/"]
    swapped = complete.replace("complete/", "cancel/")  # a completion token is no cancellation
    page = browser.get(swapped)
    assert browser.post("/account/recovery/cancel/", {"token": swapped.split("token=")[1]},
                        csrf=page.csrf()).status == 400
    assert Recovery.get(request_id("alice")).status == "started"


def test_owners_of_the_users_projects_are_told(frozen, client, mailbox, root, member):  # noqa: F811
    bob = member("bob", "Maintainer")
    ask(client, "bob")
    start(root, request_id("bob"))
    complete = "/" + links(mailbox, "bob@example.com")["account/recovery/complete/"]
    frozen.tick(timedelta(hours=48))
    page = bob.get(complete)
    done = bob.post("/account/recovery/complete/", {"token": complete.split("token=")[1], "new_password": NEW_PASSWORD,
                                                    "password_confirm": NEW_PASSWORD}, csrf=page.csrf())
    assert done.status == 303
    told = mailbox.to("alice@example.com")[-1]
    assert told["Subject"] == "A collaborator's cheeseshop account was recovered"
    assert "bob" in told.get_body(preferencelist=("plain",)).get_content()
