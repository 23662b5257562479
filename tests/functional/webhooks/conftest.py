"""A receiver of webhook deliveries on the loopback interface (what the local stage allows),
and alice's webhook on her project."""
from __future__ import annotations

import re
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest

from tests.functional.packaging.conftest import PROJECT, member, published  # noqa: F401 (fixtures)

SECRET_RE = re.compile(r'<code id="new-secret">([^<]+)</code>')


class Receiver:
    """Records each POST; answers 500 to the event types in `failing`, 204 to others, after
    `delay` seconds."""

    def __init__(self) -> None:
        self.received: list[dict[str, Any]] = []
        self.failing: set[str] = set()
        self.delay = 0.0
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:  # noqa: N802 - http.server's name
                body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
                time.sleep(receiver.delay)
                receiver.received.append({"headers": dict(self.headers), "body": body, "path": self.path})
                self.send_response(500 if self.headers.get("X-Cheeseshop-Event") in receiver.failing else 204)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, *args: object) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/hooks/cheeseshop"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def receiver():
    running = Receiver()
    yield running
    running.stop()


@pytest.fixture(autouse=True)
def stream_file(tmp_path, monkeypatch):
    path = tmp_path / "events" / "stream.jsonl"
    monkeypatch.setenv("CHEESESHOP_EVENT_FILE", str(path))
    monkeypatch.setenv("CHEESESHOP_WEBHOOK_RETRY_SECONDS", "60,300")
    return path


def add_webhook(browser, url: str, events: list[str] | None = None, project: str = "cheese-demo"):
    page = browser.get(f"/manage/project/{project}/webhooks/")
    assert page.status == 200, page.text
    if events is None:  # as the page offers them: every box checked
        events = re.findall(r'name="events" value="([^"]+)" checked', page.text)
    body = [("url", url), *(("events", kind) for kind in events)]
    from urllib.parse import urlencode

    return browser.request("POST", f"/manage/project/{project}/webhooks/add/",
                           urlencode([*body, ("csrf_token", page.csrf())]).encode(),
                           {"content-type": "application/x-www-form-urlencoded"})


@pytest.fixture
def webhook(alice, published, receiver) -> str:  # noqa: F811 (the fixture)
    """alice's webhook on cheese-demo, every event type; its secret as the page showed it once."""
    added = add_webhook(alice, receiver.url)
    assert added.status == 200, added.text
    return SECRET_RE.search(added.text).group(1)
