"""Fault injection for every change to what the index lists: each store call of a yank, a file's,
a release's and a project's deletion, and an upload session's completion and publication fails
in turn, cleanly (never sent), ambiguously (carried out, answer lost) or retried (carried out,
answer lost, sent again and refused). After each: the answer is a clear 4xx or 503, never a 500;
nothing listed lacks its object; every listed object has the bytes of its sha256; and after the
hourly sweep no object is left that nothing lists."""
from __future__ import annotations

import hashlib
import json
from datetime import timedelta
from urllib.parse import urlsplit

import pytest
from freezegun import freeze_time

from chalicelib.core import aws, clock
from chalicelib.core.config import get_settings
from chalicelib.forklift import sweeper
from chalicelib.packaging.models import File
from tests import distributions as d
from tests.functional.conftest import Faults
from tests.functional.forklift.test_sessions import Uploader
from tests.functional.forklift.test_upload import objects
from tests.functional.packaging.conftest import PROJECT

MODES = {"clean": {"ambiguous": False}, "ambiguous": {"ambiguous": True}, "retried": {"ambiguous": True,
                                                                                      "retried": True}}


def audit() -> None:
    """Everything listed has its bytes, and the right ones; after the sweep, nothing unlisted is left."""
    s3, bucket = aws.client("s3"), get_settings().bucket
    listed = {}
    for item in File.scan():
        if item.project is None:
            continue
        body = s3.get_object(Bucket=bucket, Key=item.path)["Body"].read()
        assert hashlib.sha256(body).hexdigest() == item.sha256, item.filename
        listed[item.path] = item
        if item.metadata_sha256:
            listed[item.path + ".metadata"] = item
    assert set(listed) <= set(objects())
    with freeze_time(clock.now() + timedelta(hours=26)):  # every upload session has expired by then
        sweeper.sweep()
    assert sorted(k for k in objects() if not k.startswith("staging/")) == sorted(listed)
    assert [k for k in objects() if k.startswith("staging/")] == []


# Each change: its form, and how many store calls it makes (the session's and the user's reads
# included, and the page build's read of the namespaces that could cover the project; a deletion
# removes only the sidecars its files have; test_each_change_makes_the_calls_counted_here keeps
# the counts true).
CHANGES: dict[str, tuple[str, dict[str, str], int]] = {
    "yank": ("releases/yank/", {"version": "1.0", "reason": "broken"}, 13),
    "delete file": ("files/delete/", {"filename": d.wheel_name()}, 17),
    "delete release": ("releases/delete/", {"version": "1.0"}, 19),
    "delete project": ("delete/", {"confirm_name": "cheese-demo"}, 33),
}
SESSION_STEPS = {"complete": 14, "publish": 15}


def change(alice, name: str, at: int, mode: str, monkeypatch) -> tuple[int, list[str], str]:
    """The change made with its at-th store call failing in this mode (0: none fails)."""
    csrf = alice.get("/manage/account/").csrf()  # before the calls are counted
    faults = Faults(monkeypatch)
    faults.arm(at, **MODES[mode])
    path, data, _ = CHANGES[name]
    answer = alice.post(PROJECT + path, data, csrf=csrf)
    calls = faults.calls
    faults.arm(at=0, ambiguous=False)
    return answer.status, calls, answer.text[:300]


@pytest.mark.parametrize("name", CHANGES)
def test_each_change_makes_the_calls_counted_here(client, alice, published, monkeypatch, name):
    status, calls, _ = change(alice, name, 0, "clean", monkeypatch)
    assert status == 303 and len(calls) == CHANGES[name][2], calls


@pytest.mark.parametrize("mode", MODES)
@pytest.mark.parametrize("name, at", [(name, at) for name, (*_, calls) in CHANGES.items()
                                      for at in range(1, calls + 1)])
def test_a_failure_at_each_store_call_of_a_change(client, alice, published, monkeypatch, name, at, mode):
    status, _, text = change(alice, name, at, mode, monkeypatch)
    assert status < 500 or status == 503, (name, at, mode, status, text)
    audit()


def session_step(client, token, monkeypatch, step: str, at: int, mode: str) -> tuple[int, list[str], bytes]:
    uploader, content = Uploader(client, token), d.wheel()
    _, session, _ = uploader.open()
    _, upload, _ = uploader.begin(session, d.wheel_name(), content)
    uploader.send(upload, content)
    faults = Faults(monkeypatch)
    if step == "publish":
        assert uploader.call("post", upload["links"]["complete"])[0] == 200
    faults.arm(at, **MODES[mode])
    link = upload["links"]["complete"] if step == "complete" else session["links"]["publish"]
    answer = client.http.post(urlsplit(link).path, headers=uploader.headers,
                              body=json.dumps({"meta": {"api-version": "2.0"}}))
    calls = faults.calls
    faults.arm(at=0, ambiguous=False)
    return answer.status_code, calls, answer.body


@pytest.mark.parametrize("step", SESSION_STEPS)
def test_each_session_step_makes_the_calls_counted_here(client, token, monkeypatch, step):
    status, calls, _ = session_step(client, token, monkeypatch, step, 0, "clean")
    assert status in (200, 201) and len(calls) == SESSION_STEPS[step], calls


@pytest.mark.parametrize("mode", MODES)
@pytest.mark.parametrize("step, at", [(step, at) for step, calls in SESSION_STEPS.items()
                                      for at in range(1, calls + 1)])
def test_a_failure_at_each_store_call_of_an_upload_session(client, token, monkeypatch, step, at, mode):
    status, _, body = session_step(client, token, monkeypatch, step, at, mode)
    assert status < 500 or status == 503, (step, at, mode, status, body)
    audit()
