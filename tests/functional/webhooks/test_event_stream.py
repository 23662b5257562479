"""The versioned event schema: every event type the code can emit, recorded as the code records
it, comes out of the dispatcher as a document the schema (chalicelib/events/schema) accepts, on
the stream; administrators export the history as JSON lines, newest last."""
from __future__ import annotations

import json
from datetime import timedelta
from urllib.parse import quote

import jsonschema
import pytest
from freezegun import freeze_time

from chalicelib.core import clock
from chalicelib.core.origin import Origin
from chalicelib.events.documents import SCHEMA_FILE
from chalicelib.events.models import Event
from chalicelib.events.services import organization_subject, project_subject, record
from chalicelib.events.tags import Tag
from chalicelib.webhooks import dispatch
from tests.functional.admin.conftest import root  # noqa: F401 (a fixture)

SCHEMA = json.loads(SCHEMA_FILE.read_text())


def test_the_schema_names_every_event_type_and_nothing_else():
    assert sorted(SCHEMA["properties"]["type"]["enum"]) == sorted(tag.value for tag in Tag)


def test_every_event_type_comes_out_as_a_valid_document(client, stream_file):
    project = project_subject("cheese-demo", clock.now())
    shapes = ({"user": "alice"}, {"project": project, "actor": "GitHub: octo/spam"},
              {"user": "alice", "project": project, "roles": ["Maintainer", "Owner"], "via": "ci"},
              {"user": "alice", "organization": organization_subject("acme")})
    for tag in Tag:
        for subjects in shapes:
            record(None, tag, Origin("192.0.2.1", "twine/6"), detail="something", **subjects)
    while dispatch.drain():
        pass
    docs = [json.loads(line) for line in stream_file.read_text().splitlines()]
    assert len(docs) == len(Tag) * 4 and len({doc["id"] for doc in docs}) == len(docs)  # once each
    for doc in docs:
        jsonschema.validate(doc, SCHEMA)
        assert doc["ip"] == "192.0.2.1"
    assert sorted({doc["type"] for doc in docs}) == sorted(tag.value for tag in Tag)
    by_shape = [doc for doc in docs if doc["type"] == Tag.ROLE_CHANGE]
    assert sorted(str(doc["project"]) for doc in by_shape) == ["None", "None", "cheese-demo", "cheese-demo"]
    assert {doc["details"]["organization"] for doc in by_shape} == {None, "acme"}
    assert ["Maintainer", "Owner"] in [doc["details"]["roles"] for doc in by_shape]
    assert dispatch.drain() == 0  # emitted once


def test_a_broken_document_is_refused_by_the_schema():
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate({"schema": "cheeseshop.event/1", "id": "x", "type": "account:login:success"}, SCHEMA)


def test_administrators_export_the_history_newest_last(client, root, alice, mailbox):  # noqa: F811
    record(None, Tag.TOKEN_CREATE, Origin("192.0.2.9"), user="alice", detail="ci")
    with freeze_time(clock.now() + timedelta(seconds=5)):
        record(None, Tag.RELEASE_YANK, Origin(), user="alice", project=project_subject("cheese-demo", clock.now()),
               detail="1.0: broken")
    exported = root.get("/admin/events/export")
    assert exported.status == 200 and exported.headers["Content-Type"].startswith("application/x-ndjson")
    assert "attachment" in exported.headers["Content-Disposition"]
    docs = [json.loads(line) for line in exported.text.splitlines()]
    for doc in docs:
        jsonschema.validate(doc, SCHEMA)
    assert [doc["time"] for doc in docs] == sorted(doc["time"] for doc in docs)
    assert docs[-1]["type"] == "project:release:yank" and sum(d["type"] == "project:release:yank" for d in docs) == 1
    assert Event.count() > len(docs)  # the yank is kept for alice and the project, exported once
    later = root.get("/admin/events/export?since=" + quote((clock.now() + timedelta(seconds=2)).isoformat()))
    assert [json.loads(line)["type"] for line in later.text.splitlines()] == ["project:release:yank"]
    assert root.get("/admin/events/export?since=yesterday").status == 400
    assert alice.get("/admin/events/export").status == 404
