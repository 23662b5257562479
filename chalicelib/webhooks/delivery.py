"""Sending one delivery. A receiver must be https on a public address (in the local stages
also http://127.0.0.1), checked when it is registered and again, on the addresses it resolves
to then, at every delivery: the connection goes to the address that was checked, so no name
that resolves anew (DNS rebinding) reaches into the VPC. One POST, a short timeout, no redirects
followed; the body is signed with the webhook's secret over "<timestamp>.<body>"."""
from __future__ import annotations

import hashlib
import hmac
import http.client
import ipaddress
import socket
import ssl
import time
from typing import NamedTuple
from urllib.parse import urlsplit

from chalicelib.core.config import get_settings
from chalicelib.core.translation import N_

TIMEOUT = 5.0  # seconds to connect, and to each read
MOST_URL = 2000
LOOPBACK = "127.0.0.1"


class Attempt(NamedTuple):
    at: float  # unix seconds
    status: int | None  # the receiver's HTTP status; None when none came
    error: str  # why no status came (or "")
    ms: int

    @property
    def ok(self) -> bool:
        return self.status is not None and 200 <= self.status < 300


class Unreachable(Exception):
    """A receiver this index does not send to (its message is a catalog id)."""


def url_problem(url: str) -> str | None:
    """Why the index will not send to this URL (a catalog id), or None. Resolves its name."""
    try:
        _address(url)
    except Unreachable as exc:
        return str(exc)
    return None


def _address(url: str) -> str:
    """The checked address to connect to for this URL."""
    parts = urlsplit(url)
    local = get_settings().is_local and parts.hostname == LOOPBACK
    if len(url) > MOST_URL or not parts.hostname or parts.username or parts.password or parts.fragment:
        raise Unreachable(N_("Enter the receiver's full URL, such as https://ci.example.com/hooks/cheeseshop."))
    if parts.scheme != "https" and not (local and parts.scheme == "http"):
        raise Unreachable(N_("The payload URL must use https."))
    try:
        port = parts.port or (443 if parts.scheme == "https" else 80)
        found = {str(info[4][0]) for info in socket.getaddrinfo(parts.hostname, port, type=socket.SOCK_STREAM)}
    except (OSError, ValueError, UnicodeError) as exc:
        raise Unreachable(N_("The payload URL's host name does not resolve.")) from exc
    addresses = sorted(found)
    if local:
        return LOOPBACK
    if not addresses or not all(ipaddress.ip_address(a.split("%")[0]).is_global for a in addresses):
        raise Unreachable(N_("The payload URL must reach a public address, not a private or internal one."))
    return addresses[0]


def signature(secret: str, timestamp: str, body: bytes) -> str:
    """X-Cheeseshop-Signature's value: HMAC-SHA256 over "<timestamp>.<body>" with the secret."""
    return "sha256=" + hmac.new(secret.encode(), timestamp.encode() + b"." + body, hashlib.sha256).hexdigest()


def send(url: str, secret: str, event_type: str, delivery_id: str, body: bytes) -> Attempt:
    """One attempt: the receiver's status, or why none came."""
    started = time.time()
    timestamp = str(int(started))
    headers = {"Content-Type": "application/json", "User-Agent": "cheeseshop-webhooks/1",
               "X-Cheeseshop-Event": event_type, "X-Cheeseshop-Delivery": delivery_id,
               "X-Cheeseshop-Timestamp": timestamp, "X-Cheeseshop-Signature": signature(secret, timestamp, body)}
    try:
        connection = _connection(url, _address(url))
        parts = urlsplit(url)
        try:
            connection.request("POST", (parts.path or "/") + (f"?{parts.query}" if parts.query else ""), body=body,
                               headers=headers)
            response = connection.getresponse()
            response.read(64 * 1024)
            status: int | None = response.status
            error = ""
        finally:
            connection.close()
    except Unreachable as exc:
        status, error = None, str(exc)
    except (OSError, http.client.HTTPException) as exc:
        status, error = None, type(exc).__name__ if not str(exc) else f"{type(exc).__name__}: {exc}"[:200]
    return Attempt(started, status, error, int((time.time() - started) * 1000))


class _Pinned(http.client.HTTPConnection):
    """Connects to the checked address, whatever the name resolves to now."""

    def __init__(self, host: str, port: int | None, address: str) -> None:
        super().__init__(host, port, timeout=TIMEOUT)
        self.address = address

    def connect(self) -> None:
        self.sock = socket.create_connection((self.address, self.port), self.timeout)


class _PinnedTLS(http.client.HTTPSConnection):
    """The same over TLS, the certificate checked against the URL's host name."""

    def __init__(self, host: str, port: int | None, address: str) -> None:
        super().__init__(host, port, timeout=TIMEOUT, context=ssl.create_default_context())
        self.address = address

    def connect(self) -> None:
        sock = socket.create_connection((self.address, self.port), self.timeout)
        self.sock = self._context.wrap_socket(sock, server_hostname=self.host)  # type: ignore[attr-defined]


def _connection(url: str, address: str) -> http.client.HTTPConnection:
    parts = urlsplit(url)
    kind = _PinnedTLS if parts.scheme == "https" else _Pinned
    return kind(parts.hostname or "", parts.port, address)
