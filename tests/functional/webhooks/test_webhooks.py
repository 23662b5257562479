"""Webhooks: an Owner registers a receiver; the dispatcher (never the request) sends it the
project's events, signed; a failing receiver is retried with the same delivery id and, after its
last retry, the webhook is turned off and the Owners told. Nobody else may see or add one, a
project made again under the name gets none of the old one's, and no receiver inside the
network is accepted."""
from __future__ import annotations

import hashlib
import hmac
import json
import time
from datetime import timedelta

import jsonschema
import pytest
from freezegun import freeze_time

from chalicelib.core import clock
from chalicelib.events.documents import SCHEMA_FILE
from chalicelib.webhooks import dispatch
from chalicelib.webhooks.models import Delivery, Webhook
from tests import distributions as d
from tests.functional.forklift.test_upload import upload
from tests.functional.packaging.conftest import PROJECT, user
from tests.functional.webhooks.conftest import add_webhook

SCHEMA = json.loads(SCHEMA_FILE.read_text())


def verified(secret: str, request: dict) -> bool:
    headers = {k.lower(): v for k, v in request["headers"].items()}
    expected = hmac.new(secret.encode(), headers["x-cheeseshop-timestamp"].encode() + b"." + request["body"],
                        hashlib.sha256).hexdigest()
    return hmac.compare_digest(headers["x-cheeseshop-signature"], "sha256=" + expected)


def test_an_upload_reaches_the_receiver_signed_and_only_through_the_dispatcher(client, token, webhook, receiver,
                                                                                  mailbox, stream_file):
    assert receiver.received == []  # adding it sent nothing; neither does the upload itself
    assert upload(client, d.basic(token), d.wheel("cheese-demo", "2.0"), d.wheel_name("cheese-demo", "2.0"),
                  version="2.0")[0] == 200
    assert receiver.received == []
    dispatch.drain()
    uploads = [r for r in receiver.received if r["headers"]["X-Cheeseshop-Event"] == "project:file:upload"]
    assert len(uploads) == 1 and uploads[0]["path"] == "/hooks/cheeseshop"
    assert verified(webhook, uploads[0])
    assert not verified(webhook + "x", uploads[0])
    doc = json.loads(uploads[0]["body"])
    jsonschema.validate(doc, SCHEMA)
    assert (doc["type"], doc["project"], doc["actor"], doc["details"]["detail"]) == (
        "project:file:upload", "cheese-demo", "alice", d.wheel_name("cheese-demo", "2.0"))
    assert doc["details"]["via"] == "ci"  # the token's name, never the token
    stream = [json.loads(line) for line in stream_file.read_text().splitlines()]
    assert doc in stream and all(token not in line for line in stream_file.read_text().splitlines())
    dispatch.drain()
    assert len(receiver.received) == len([r for r in receiver.received])  # nothing twice:
    assert [r["headers"]["X-Cheeseshop-Event"] for r in receiver.received].count("project:file:upload") == 1


def test_slow_receivers_are_sent_to_at_once_not_one_after_another(client, token, alice, published, receiver):
    for path in ("a", "b", "c"):
        assert add_webhook(alice, f"{receiver.url}/{path}", ["project:file:upload"]).status == 200
    receiver.delay = 1.0
    assert upload(client, d.basic(token), d.wheel("cheese-demo", "2.0"), d.wheel_name("cheese-demo", "2.0"),
                  version="2.0")[0] == 200
    started = time.monotonic()
    dispatch.drain()
    assert sorted(r["path"].rsplit("/", 1)[1] for r in receiver.received) == ["a", "b", "c"]
    assert time.monotonic() - started < 2.5  # one after another: at least 3 s
    assert [item.status for hook in Webhook.scan() for item in Delivery.query(hook.id)] == ["delivered"] * 3


def test_the_secret_is_shown_once_and_kept_sealed(alice, webhook, mailbox):
    (hook,) = list(Webhook.scan())
    assert webhook.startswith("whsec_") and webhook not in hook.secret
    page = alice.get(PROJECT + "webhooks/")
    assert webhook not in page.text and "Payload URL" in page.text
    assert "added a webhook" in mailbox.last_text("alice@example.com")
    history = alice.get(PROJECT + "history/").text
    assert "Webhook added" in history


def test_a_failing_receiver_is_retried_with_the_same_delivery_id_then_turned_off(alice, webhook, receiver, mailbox,
                                                                                 monkeypatch):
    receiver.failing = {"project:release:yank"}
    page = alice.get(PROJECT + "releases/")
    assert alice.post(PROJECT + "releases/yank/", {"version": "1.0", "reason": "broken"},
                      csrf=page.csrf()).status == 303
    dispatch.drain()
    yanks = [r for r in receiver.received if r["headers"]["X-Cheeseshop-Event"] == "project:release:yank"]
    assert len(yanks) == 1
    (item,) = [x for x in Delivery.scan() if x.event_type == "project:release:yank"]
    assert item.status == "pending" and item.next_at <= (clock.now() + timedelta(minutes=5)).isoformat()
    assert dispatch.retry_due() == 0  # not due yet
    shown = alice.get(PROJECT + "webhooks/").text
    assert "500" in shown and "Retry at" in shown

    for minutes in (2, 8):  # the first retry within 5 minutes; then the next wait
        with freeze_time(clock.now() + timedelta(minutes=minutes)):
            assert dispatch.retry_due() >= 1
    yanks = [r for r in receiver.received if r["headers"]["X-Cheeseshop-Event"] == "project:release:yank"]
    assert len(yanks) == 3
    assert len({r["headers"]["X-Cheeseshop-Delivery"] for r in yanks}) == 1
    assert Delivery.get(item.webhook, item.key).status == "failed"
    (hook,) = list(Webhook.scan())
    assert hook.disabled_at is not None
    assert "was turned off" in mailbox.last_text("alice@example.com")
    dispatch.drain()  # the turning off is an event too
    assert "Turned off" in alice.get(PROJECT + "webhooks/").text

    receiver.failing = set()  # mended
    sent = len(receiver.received)
    page = alice.get(PROJECT + "webhooks/")
    assert alice.post(PROJECT + "webhooks/redeliver/", {"webhook": hook.id, "delivery": item.key},
                      csrf=page.csrf()).status == 303
    assert len(receiver.received) == sent  # not in the request: by the dispatcher
    assert dispatch.retry_due() == 1 and len(receiver.received) == sent + 1
    last = receiver.received[-1]
    assert last["headers"]["X-Cheeseshop-Delivery"] == yanks[0]["headers"]["X-Cheeseshop-Delivery"]
    assert Delivery.get(item.webhook, item.key).status == "delivered"
    assert Webhook.get(hook.subject, hook.id).disabled_at is None


def test_only_owners_see_or_change_webhooks(client, mailbox, alice, member, webhook):
    maintainer = member("mallory", "Maintainer")
    assert maintainer.get(PROJECT + "webhooks/").status == 404
    assert maintainer.post(PROJECT + "webhooks/add/", {"url": "http://127.0.0.1:9/x", "events": "project:delete"},
                           csrf=maintainer.get("/manage/account/").csrf()).status == 404
    stranger = user(client, mailbox, "eve")
    assert stranger.get(PROJECT + "webhooks/").status == 404
    (hook,) = list(Webhook.scan())
    page = stranger.get("/manage/account/")
    assert stranger.post(PROJECT + "webhooks/remove/", {"webhook": hook.id}, csrf=page.csrf()).status == 404
    assert len(list(Webhook.scan())) == 1


def test_a_project_made_again_under_the_name_sends_nothing_to_the_old_webhooks(client, alice, token, webhook,
                                                                              receiver):
    page = alice.get(PROJECT)
    assert alice.post(PROJECT + "delete/", {"confirm_name": "cheese-demo"}, csrf=page.csrf()).status == 303
    dispatch.drain()
    sent = len(receiver.received)
    assert upload(client, d.basic(token), d.wheel("cheese-demo", "3.0"), d.wheel_name("cheese-demo", "3.0"),
                  version="3.0")[0] == 200
    dispatch.drain()
    assert len(receiver.received) == sent
    assert "No webhooks yet" in alice.get(PROJECT + "webhooks/").text


@pytest.mark.parametrize(("url", "why"), [
    ("https://10.1.2.3/hook", "public address"),
    ("https://169.254.169.254/latest/meta-data/", "public address"),
    ("https://[::1]/hook", "public address"),
    ("http://93.184.215.14/hook", "must use https"),
    ("ftp://example.com/hook", "must use https"),
    ("https://user:pw@93.184.215.14/hook", "full URL"),
    ("not a url", "full URL"),
    ("https://no-such-host.invalid/hook", "does not resolve"),
])
def test_receivers_inside_the_network_or_not_https_are_refused(alice, published, url, why):
    added = add_webhook(alice, url)
    assert added.status == 400 and why in added.text, added.text
    assert list(Webhook.scan()) == []


def test_no_event_type_chosen_is_refused(alice, published, receiver):
    added = add_webhook(alice, receiver.url, events=[])
    assert added.status == 400 and "Choose at least one event type" in added.text


def test_outside_the_local_stage_the_loopback_is_refused_too(monkeypatch):
    from chalicelib.webhooks import delivery

    assert delivery.url_problem("http://127.0.0.1:8080/hook") is None  # the local stage's receivers
    monkeypatch.setenv("CHEESESHOP_STAGE", "prod")
    monkeypatch.setenv("CHEESESHOP_SECRET_KEY", "k" * 40)
    for url in ("http://127.0.0.1:8080/hook", "https://127.0.0.1/hook", "https://localhost/hook",
                "https://[::ffff:10.0.0.1]/hook", "https://0.0.0.0/hook"):
        assert delivery.url_problem(url) is not None, url
    assert delivery.url_problem("https://93.184.215.14/hook") is None


def test_a_name_that_resolves_inside_at_delivery_time_is_not_sent_to(monkeypatch, receiver):
    """DNS rebinding: the name was public when registered; at delivery it resolves to the VPC."""
    from chalicelib.webhooks import delivery

    monkeypatch.setenv("CHEESESHOP_STAGE", "prod")
    monkeypatch.setenv("CHEESESHOP_SECRET_KEY", "k" * 40)
    monkeypatch.setattr(delivery.socket, "getaddrinfo", lambda *a, **k: [(2, 1, 6, "", ("10.0.0.7", 443))])
    attempt = delivery.send("https://hooks.example.com/x", "s", "project:delete", "id", b"{}")
    assert attempt.status is None and "public address" in attempt.error and not attempt.ok
