"""Two-factor by authenticator app, in Chromium: enroll by scanning the QR code, log in
with codes and recovery codes, and keep the second factor after a password reset.

Codes come from the clock (pyotp), as an authenticator app makes them, never from the server."""
from __future__ import annotations

import io
import re
import time

import pyotp
import zxingcpp
from PIL import Image
from playwright.sync_api import expect

from tests.e2e.test_account_journey import PASSWORD, log_in, register

NEW_PASSWORD = "cobalt violin harvest 28"


class Authenticator:
    """A phone app: knows the secret it scanned and never shows a code for a past step."""

    def __init__(self, uri: str) -> None:
        self.totp = pyotp.parse_uri(uri)
        self.last_step = int(time.time()) // 30

    def next_code(self) -> str:
        step = self.last_step + 1
        while step > int(time.time()) // 30 + 1:  # the server accepts one step of drift, no more
            time.sleep(1)
        self.last_step = step
        return self.totp.at(step * 30)


def scan_qr(page) -> str:
    picture = page.get_by_role("img", name=re.compile("QR code"))
    expect(picture).to_be_visible()
    image = Image.open(io.BytesIO(picture.screenshot()))
    # The decoder may find one symbol more than once (it also tries inverted and downscaled
    # copies of the image); the page must still show one QR code carrying one URI.
    [text] = {found.text for found in zxingcpp.read_barcodes(image, formats=zxingcpp.BarcodeFormat.QRCode)}
    return text


def enter_code(page, code: str) -> None:
    page.get_by_label("Authentication code").fill(code)
    page.get_by_role("button", name="Verify").click()


def test_authenticator_app_journey(page, site):
    mailbox = site.mailbox
    register(page, site, "tomas", "tomas@example.com")
    page.goto(site.url + mailbox.last_link("tomas@example.com", "/account/verify-email/"))
    log_in(page, site, "tomas", PASSWORD)

    page.get_by_role("link", name="Add an authenticator app").click()
    uri = scan_qr(page)
    assert uri.startswith("otpauth://totp/cheeseshop:tomas?")
    assert "issuer=cheeseshop" in uri and "digits=6" in uri and "period=30" in uri
    phone = Authenticator(uri)
    assert phone.totp.secret == page.locator("#totp-secret").inner_text()  # manual entry shows the same
    enter_code(page, phone.totp.now())
    expect(page.get_by_role("status")).to_contain_text("generate recovery codes")
    page.get_by_role("button", name="Generate recovery codes").click()
    expect(page.locator("#recovery-codes code")).to_have_count(8)  # all_inner_texts() does not wait
    codes = page.locator("#recovery-codes code").all_inner_texts()

    page.get_by_role("button", name="Log out").click()
    log_in(page, site, "tomas", PASSWORD)
    expect(page).to_have_url(re.compile(r"/account/two-factor/$"))
    code = phone.next_code()
    enter_code(page, code)
    expect(page.get_by_role("heading", name="Account settings")).to_be_visible()
    page.get_by_role("button", name="Log out").click()

    log_in(page, site, "tomas", PASSWORD)
    enter_code(page, code)  # replayed
    expect(page.get_by_role("alert")).to_contain_text("The code is not valid")
    enter_code(page, "000000")
    expect(page.get_by_role("alert")).to_contain_text("The code is not valid")

    page.get_by_role("link", name="Use a recovery code").click()
    page.get_by_label("Recovery code").fill(codes[0])
    page.get_by_role("button", name="Verify").click()
    expect(page.get_by_role("status")).to_contain_text("cannot be used again")
    page.get_by_role("button", name="Log out").click()

    log_in(page, site, "tomas", PASSWORD)
    page.get_by_role("link", name="Use a recovery code").click()
    page.get_by_label("Recovery code").fill(codes[0])
    page.get_by_role("button", name="Verify").click()
    expect(page.get_by_role("alert")).to_contain_text("The code is not valid")

    page.goto(site.url + "/account/request-password-reset/")
    page.get_by_label("Username or email").fill("tomas")
    page.get_by_role("button", name="Send reset link").click()
    page.goto(site.url + mailbox.last_link("tomas@example.com", "/account/reset-password/"))
    page.get_by_label("New password").fill(NEW_PASSWORD)
    page.get_by_label("Confirm password").fill(NEW_PASSWORD)
    page.get_by_role("button", name="Reset password").click()
    log_in(page, site, "tomas", NEW_PASSWORD)
    expect(page).to_have_url(re.compile(r"/account/two-factor/$"))  # the reset did not skip it
    page.goto(site.url + "/manage/account/")
    expect(page).to_have_url(re.compile(r"/account/login/"))
    log_in(page, site, "tomas", NEW_PASSWORD)
    enter_code(page, phone.next_code())
    expect(page.get_by_role("heading", name="Account settings")).to_be_visible()
    history = page.get_by_role("region", name="Security history")
    for event in ("Authenticator app added", "Recovery codes generated", "Logged in: with a recovery code",
                  "Recovery code used", "Wrong two-factor code", "Password reset"):
        expect(history).to_contain_text(event)
