"""An event as others read it: one JSON document per event, versioned
(`cheeseshop.event/1`, described by schema/cheeseshop.event.1.json), the same on the event
stream, in webhook deliveries and in the administrators' export. It holds what the history
shows (names, addresses, a token's name), never a secret."""
from __future__ import annotations

import json
from datetime import UTC
from pathlib import Path
from typing import Any

from chalicelib.events.models import Event

SCHEMA = "cheeseshop.event/1"
SCHEMA_FILE = Path(__file__).parent / "schema" / "cheeseshop.event.1.json"


def document(event: Event) -> dict[str, Any]:
    """The document of the event this item (the one that carries its other subjects) records."""
    subjects = json.loads(event.subjects or "{}")
    user, project, organization = subjects.get("user"), subjects.get("project"), subjects.get("organization")
    return {
        "schema": SCHEMA,
        "id": event.id,
        "type": event.tag,
        "time": event.at.astimezone(UTC).isoformat().replace("+00:00", "Z"),
        "actor": event.actor or user,
        "subject": user,
        "project": project.split(":")[1] if project else None,
        "ip": event.ip or None,
        "details": {
            "detail": event.detail or "",
            "roles": [str(role) for role in event.roles or ()],
            "via": event.via,
            "organization": organization.split(":", 1)[1] if organization else None,
            "user_agent": event.user_agent or None,
        },
    }


def encoded(doc: dict[str, Any]) -> bytes:
    """The bytes a document is sent as (and signed over): compact JSON, keys in order."""
    return json.dumps(doc, separators=(",", ":"), ensure_ascii=False).encode()
