"""Nothing a person or a tool proves itself with reaches a log line: everything every logger
writes (botocore's requests included, at DEBUG) while a user registers, logs in with a password
and an authenticator code, makes a token, uploads with it, fails a login and adds a webhook, as
the deployed stage writes it (core.telemetry's JSON lines)."""
from __future__ import annotations

import io
import logging
import re

from chalicelib.core import telemetry
from tests import distributions as d
from tests.functional.conftest import PASSWORD, code_step, enroll_totp, make_token, password_step, totp_code
from tests.functional.forklift.test_upload import upload
from tests.functional.webhooks.conftest import SECRET_RE, Receiver, add_webhook


def test_no_secret_reaches_a_log_line(client, alice, mailbox):
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(telemetry.JsonLines())
    root = logging.getLogger()
    level = root.level
    root.addHandler(handler)
    root.setLevel(logging.DEBUG)
    receiver = Receiver()
    try:
        secret = enroll_totp(alice)
        token = make_token(alice)
        assert upload(client, d.basic(token), d.wheel(), d.wheel_name())[0] == 200
        assert upload(client, d.basic(token + "x"), d.wheel("cheese-demo", "2.0"),
                      d.wheel_name("cheese-demo", "2.0"), version="2.0")[0] == 403
        assert alice.post("/account/logout/", {}, csrf=alice.get("/manage/account/").csrf()).status == 303
        assert password_step(alice, password="wrong " + PASSWORD).status == 401
        assert password_step(alice).status == 303
        code = totp_code(secret, 1)  # the current one was spent enrolling
        assert code_step(alice, code).status == 303
        added = add_webhook(alice, receiver.url)
        webhook_secret = SECRET_RE.search(added.text).group(1)
    finally:
        root.removeHandler(handler)
        root.setLevel(level)
        receiver.stop()
    written = stream.getvalue()
    assert len(written.splitlines()) > 20  # botocore's DEBUG lines at the least: something was captured
    for proof in (PASSWORD, secret, token, token.split("_")[-1], webhook_secret, code):
        assert proof not in written, proof
    assert not re.search(r"pypi-cs_[0-9a-f]{8,}", written)
