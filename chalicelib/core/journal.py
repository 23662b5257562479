"""The shape every journal shares, the security history's (events) and the administrators'
log alike: entries keyed by their time (ISO time and a random suffix, so they sort by time and
two in one microsecond never collide), each with where the request came from."""
from __future__ import annotations

import secrets
from datetime import datetime
from typing import Any

from pynamodb.attributes import UnicodeAttribute

from chalicelib.core.origin import Origin

USER_AGENT_MAX = 512


class JournalEntry:
    """The attributes a journal's model inherits beside its own hash key (pynamodb collects a
    model's attributes from its bases too)."""

    id = UnicodeAttribute(range_key=True)
    ip = UnicodeAttribute(default="")
    user_agent = UnicodeAttribute(default="")

    @property
    def at(self) -> datetime:
        return datetime.fromisoformat(self.id.split("#")[0])


def entry(now: datetime, origin: Origin) -> dict[str, Any]:
    """The shared attributes of a new entry at `now`, for the model's constructor."""
    return {"id": f"{now.isoformat()}#{secrets.token_hex(4)}", "ip": origin.ip,
            "user_agent": origin.user_agent[:USER_AGENT_MAX]}
