"""The event stream for operators: every event's document (events.documents), put on the
deployment's EventBridge bus (CHEESESHOP_EVENT_BUS; a SIEM subscription or a rule takes them
from there) and, in the local stage, appended as JSON lines to CHEESESHOP_EVENT_FILE. Called by
the dispatcher (chalicelib.webhooks.dispatch), never by a request."""
from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from chalicelib.core import aws
from chalicelib.core.config import get_settings

SOURCE = "cheeseshop"
BATCH = 10  # PutEvents takes ten entries at a time


class NotTaken(RuntimeError):
    """The bus refused some of the events: the dispatcher keeps them and tries again."""


def put(documents: list[dict[str, Any]]) -> None:
    settings = get_settings()
    if not documents:
        return
    if settings.event_file:
        path = Path(settings.event_file)
        path.parent.mkdir(parents=True, exist_ok=True)
        with path.open("a", encoding="utf-8") as stream:
            stream.writelines(json.dumps(doc, ensure_ascii=False) + "\n" for doc in documents)
    if settings.event_bus:
        for start in range(0, len(documents), BATCH):
            entries = [{"Source": SOURCE, "DetailType": doc["type"], "Detail": json.dumps(doc),
                        "EventBusName": settings.event_bus} for doc in documents[start:start + BATCH]]
            answer = aws.client("events").put_events(Entries=entries)
            if answer.get("FailedEntryCount"):
                raise NotTaken(f"{answer['FailedEntryCount']} events were not taken by {settings.event_bus}")
