"""Recovering an account whose second factor is lost, in Chromium, on a stack whose recovery
wait is a few seconds (CHEESESHOP_RECOVERY_WAIT_SECONDS): the request from the login page, an
administrator's start, a cancel link from the account's second address stopping one recovery, a
second recovery completed after the wait with a new password, and the old session logged out."""
from __future__ import annotations

import re
import subprocess
import time

import pytest
from playwright.sync_api import expect

from tests.conftest import ROOT
from tests.e2e.conftest import own_site
from tests.e2e.test_account_journey import signed_up

WAIT = 6  # seconds
NEW_PASSWORD = "saffron harbour kettle 81"


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    yield from own_site(tmp_path_factory, CHEESESHOP_RECOVERY_WAIT_SECONDS=str(WAIT))


def ask(chromium, site, login: str):
    context = chromium.new_context()
    page = context.new_page()
    page.set_default_timeout(15000)
    page.goto(site.url + "/account/login/")
    page.get_by_role("link", name="Lost your second factor?").click()
    page.get_by_label("Username or email").fill(login)
    page.get_by_label("What did you lose?").select_option(label="All of them")
    page.get_by_role("button", name="Request recovery").click()
    expect(page.get_by_role("status")).to_contain_text("Your request was sent")
    context.close()


def start(root, site, login: str) -> None:
    root.goto(site.url + "/admin/recoveries/")
    request = root.locator("section", has=root.get_by_role("heading", name=re.compile(f"asked as “{login}”")))
    request.get_by_label("Evidence").fill("Ticket 4711: identity checked on a video call")
    request.get_by_role("button", name="Start recovery").click()
    expect(root.get_by_role("status")).to_contain_text("Recovery started")


def test_a_lost_factor_is_recovered_after_the_wait_and_a_stranger_can_be_stopped(chromium, site):
    root_context, root = signed_up(chromium, site, "root")
    granted = subprocess.run(["make", "--no-print-directory", "admin", "USER=root", f"MOTO_PORT={site.moto_port}"],
                             cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert granted.returncode == 0, granted.stdout + granted.stderr
    old_context, maya = signed_up(chromium, site, "maya")
    maya.goto(site.url + "/manage/account/")
    maya.get_by_label("Add an email address").fill("maya@work.example")
    maya.get_by_role("button", name="Add email").click()
    maya.goto(site.url + site.mailbox.last_link("maya@work.example", "/account/verify-email/"))
    expect(maya.get_by_role("status")).to_contain_text("verified")

    # Someone asks in maya's name; her second address cancels it ("this was not me").
    ask(chromium, site, "maya")
    start(root, site, "maya")
    stranger_context = chromium.new_context()
    inbox = stranger_context.new_page()
    inbox.goto(site.url + site.mailbox.last_link("maya@work.example", "/account/recovery/cancel/"))
    inbox.get_by_role("button", name="Cancel recovery").click()
    expect(inbox.get_by_role("status")).to_contain_text("The recovery was cancelled")
    root.goto(site.url + "/admin/recoveries/")
    expect(root.get_by_text("Cancelled by maya")).to_be_visible()

    # Maya asks herself; the link works only after the wait, then she sets a new password.
    ask(chromium, site, "maya@example.com")
    start(root, site, "maya@example.com")
    finish = stranger_context.new_page()
    finish.goto(site.url + site.mailbox.last_link("maya@example.com", "/account/recovery/complete/"))
    expect(finish.get_by_text("can be finished from")).to_be_visible()
    expect(finish.get_by_label("New password")).to_have_count(0)
    time.sleep(WAIT + 1)
    finish.reload()
    finish.get_by_label("New password").fill(NEW_PASSWORD)
    finish.get_by_label("Confirm password").fill(NEW_PASSWORD)
    finish.get_by_role("button", name="Set password").click()
    expect(finish).to_have_url(re.compile(r"/manage/account/totp-provision/"))
    expect(finish.get_by_role("status")).to_contain_text("Add a new second factor now")

    maya.goto(site.url + "/manage/account/")  # the session from before the recovery is over
    expect(maya).to_have_url(re.compile(r"/account/login/"))
    finish.goto(site.url + "/manage/account/")
    history = finish.locator("section", has=finish.get_by_role("heading", name="Security history"))
    expect(history).to_contain_text("Account recovered")
    expect(history).to_contain_text("Account recovery cancelled")
    for context in (root_context, old_context, stranger_context):
        context.close()
