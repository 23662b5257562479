"""Where a request came from: what every event, mail and limit records of it. The web edge
makes one per request (web.request); services take it as a plain value."""
from __future__ import annotations

from typing import NamedTuple


class Origin(NamedTuple):
    """Where a request came from, as recorded with each event."""

    ip: str = ""
    user_agent: str = ""
    device: str = ""  # the browser's device cookie (accounts.login.known_device); never recorded
