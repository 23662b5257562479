"""Events end to end, against `make run` and its dispatcher: an Owner adds a webhook in Chromium;
real twine uploads and a signed delivery reaches a local receiver within 30 s; a receiver that
answers 500 is retried with the same delivery id and the page shows each attempt; a yank, a role
change and a token creation reach the local stream ($LOCAL_DIR/events/stream.jsonl) as documents
the schema accepts; an administrator downloads the history as JSON lines."""
from __future__ import annotations

import hashlib
import hmac
import json
import time

import jsonschema
import pytest
from playwright.sync_api import expect

from chalicelib.events.documents import SCHEMA_FILE
from tests.e2e.conftest import own_site
from tests.e2e.test_accessibility import serious_violations
from tests.e2e.test_account_journey import signed_up
from tests.e2e.test_publish_and_install import build, make_token, twine
from tests.functional.webhooks.conftest import Receiver

MANAGE = "/manage/project/cheese-hooks/"
SCHEMA = json.loads(SCHEMA_FILE.read_text())


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    yield from own_site(tmp_path_factory, CHEESESHOP_WEBHOOK_RETRY_SECONDS="2,2")


@pytest.fixture
def receiver():
    running = Receiver()
    yield running
    running.stop()


def waited(what, seconds: float = 30):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if found := what():
            return found
        time.sleep(0.25)
    raise AssertionError(f"not within {seconds} s")


def stream(site) -> list[dict]:
    path = site.local_dir / "events" / "stream.jsonl"
    return [json.loads(line) for line in path.read_text().splitlines()] if path.exists() else []


def test_webhooks_and_the_event_stream(chromium, site, receiver, tmp_path):
    owner_context, olga = signed_up(chromium, site, "olga", bypass_csp=True)
    member_context, maxim = signed_up(chromium, site, "maxim", bypass_csp=True)
    token = make_token(olga, site, "olga-ci")  # a token creation
    assert twine(site, token, build(tmp_path, "cheese-hooks", "1.0")).returncode == 0

    olga.goto(site.url + MANAGE + "webhooks/")
    olga.get_by_label("Payload URL").fill(receiver.url)
    expect(olga.get_by_role("checkbox", name="File uploaded (project:file:upload)")).to_be_checked()
    olga.get_by_role("button", name="Add webhook").click()
    secret = olga.locator("#new-secret").inner_text()
    assert secret.startswith("whsec_") and serious_violations(olga) == []

    started = time.monotonic()
    assert twine(site, token, build(tmp_path, "cheese-hooks", "2.0")).returncode == 0
    uploads = waited(lambda: [r for r in receiver.received
                              if r["headers"]["X-Cheeseshop-Event"] == "project:file:upload"])
    assert time.monotonic() - started < 30
    delivery = uploads[0]
    timestamp = delivery["headers"]["X-Cheeseshop-Timestamp"]
    expected = hmac.new(secret.encode(), timestamp.encode() + b"." + delivery["body"], hashlib.sha256).hexdigest()
    assert delivery["headers"]["X-Cheeseshop-Signature"] == "sha256=" + expected
    assert abs(int(timestamp) - time.time()) < 60
    jsonschema.validate(json.loads(delivery["body"]), SCHEMA)

    # A receiver that fails: retried (2 s apart here), the same delivery id each time, shown on the page.
    receiver.failing = {"project:release:yank"}
    olga.goto(site.url + MANAGE + "releases/")
    olga.get_by_label("Reason").first.fill("broken build")
    olga.get_by_role("button", name="Yank 2.0").click()
    expect(olga.get_by_role("status")).to_contain_text("Release yanked")
    yanks = waited(lambda: (found := [r for r in receiver.received
                                      if r["headers"]["X-Cheeseshop-Event"] == "project:release:yank"])
                   and len(found) >= 3 and found)
    assert len({r["headers"]["X-Cheeseshop-Delivery"] for r in yanks}) == 1
    olga.goto(site.url + MANAGE + "webhooks/")
    row = olga.get_by_role("row").filter(has_text="project:release:yank")
    expect(row).to_contain_text("500")
    expect(row.get_by_role("listitem")).to_have_count(3)
    assert serious_violations(olga) == []

    # A role change: maxim invited, accepted, made Owner.
    olga.goto(site.url + MANAGE + "collaborators/")
    olga.get_by_label("Username").fill("maxim")
    olga.get_by_label("Role", exact=True).select_option("Maintainer")
    olga.get_by_role("button", name="Invite").click()
    expect(olga.get_by_role("status")).to_contain_text("Invitation sent")
    maxim.goto(site.url + site.mailbox.last_link("maxim@example.com", "/account/invitation/"))
    maxim.get_by_role("button", name="Accept").click()
    expect(maxim.get_by_role("status")).to_contain_text("Invitation accepted")
    olga.goto(site.url + MANAGE + "collaborators/")
    olga.get_by_label("New role for maxim").select_option("Owner")
    olga.get_by_role("button", name="Change role of maxim").click()

    wanted = {"account:api-token:create", "project:release:yank", "project:role:change"}
    docs = waited(lambda: (docs := stream(site)) and wanted <= {d["type"] for d in docs} and docs)
    for doc in docs:
        jsonschema.validate(doc, SCHEMA)
    [change] = [d for d in docs if d["type"] == "project:role:change" and d["project"]]  # and maxim's own
    assert change["project"] == "cheese-hooks" and change["actor"] == "olga"
    assert change["details"] == {**change["details"], "detail": "maxim", "roles": ["Maintainer", "Owner"]}
    assert not any(token in line for line in (site.local_dir / "events" / "stream.jsonl").read_text().splitlines())
    owner_context.close()
    member_context.close()
