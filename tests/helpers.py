"""A small cookie-keeping browser and mailbox shared by the functional tests."""
from __future__ import annotations

import email
import email.policy
import re
from dataclasses import dataclass
from http.cookies import SimpleCookie
from pathlib import Path
from typing import Any
from urllib.parse import urlencode, urlsplit

CSRF_RE = re.compile(r'(?:name="csrf_token" value|data-csrf)="([^"]+)"')


@dataclass
class Page:
    status: int
    headers: dict[str, Any]
    text: str

    @property
    def location(self) -> str:
        return str(self.headers.get("Location", ""))

    def csrf(self) -> str:
        match = CSRF_RE.search(self.text)
        assert match, "page has no CSRF token"
        return match.group(1)


class Browser:
    """Keeps cookies across requests like a browser; follows no redirects by itself."""

    def __init__(self, client: Any, host: str = "cheeseshop.test") -> None:
        self.client = client
        self.host = host
        self.cookies: dict[str, str] = {}
        self.headers: dict[str, str] = {}  # sent with every request (Accept-Language, say)

    def _store(self, headers: dict[str, Any]) -> None:
        values = headers.get("Set-Cookie") or headers.get("set-cookie") or []
        for value in values if isinstance(values, list) else [values]:
            jar = SimpleCookie()
            jar.load(value)
            for name, morsel in jar.items():
                if morsel["max-age"] == "0":
                    self.cookies.pop(name, None)
                else:
                    self.cookies[name] = morsel.value

    def request(self, method: str, path: str, body: bytes = b"", headers: dict[str, str] | None = None) -> Page:
        headers = {"host": self.host, **self.headers, **(headers or {})}
        if self.cookies:
            headers["cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        response = self.client.http.request(method, path, headers=headers, body=body)
        self._store(response.headers)
        return Page(response.status_code, dict(response.headers), response.body.decode("utf-8", "replace"))

    def get(self, path: str) -> Page:
        return self.request("GET", path)

    def post(self, path: str, data: dict[str, str], csrf: str | None = None) -> Page:
        fields = dict(data)
        if csrf is not None:
            fields["csrf_token"] = csrf
        return self.request("POST", path, urlencode(fields).encode(),
                            {"content-type": "application/x-www-form-urlencoded"})

    def post_json(self, path: str, payload: dict[str, Any], csrf: str | None) -> tuple[int, dict[str, Any]]:
        import json

        headers = {"content-type": "application/json"}
        if csrf is not None:
            headers["x-csrf-token"] = csrf
        page = self.request("POST", path, json.dumps(payload).encode(), headers)
        return page.status, json.loads(page.text or "{}")

    def submit(self, form_path: str, data: dict[str, str], action: str | None = None) -> Page:
        """GET the page with the form, then POST it with the page's CSRF token."""
        token = self.get(form_path).csrf()
        return self.post(action or form_path, data, csrf=token)


class Mailbox:
    def __init__(self, folder: Path) -> None:
        self.folder = folder

    def messages(self) -> list[email.message.EmailMessage]:
        if not self.folder.exists():
            return []
        return [email.message_from_bytes(p.read_bytes(), policy=email.policy.default)  # type: ignore[misc]
                for p in sorted(self.folder.glob("*.eml"), key=lambda p: (p.stat().st_mtime_ns, p.name))]

    def to(self, address: str) -> list[email.message.EmailMessage]:
        return [m for m in self.messages() if address.lower() in str(m["To"]).lower()]

    def last_text(self, address: str) -> str:
        """The plain text of the last mail to `address`, its lines joined (mails wrap at 76)."""
        return " ".join(self.to(address)[-1].get_body(preferencelist=("plain",)).get_content().split())

    def last_link(self, address: str, path: str) -> str:
        """The last link to `path` mailed to `address`, as a site path with its query."""
        for message in reversed(self.to(address)):
            text = message.get_body(preferencelist=("plain",)).get_content()
            for url in re.findall(r"https?://\S+", text):
                parts = urlsplit(url)
                if parts.path == path:
                    return f"{parts.path}?{parts.query}"
        raise AssertionError(f"no mail to {address} with a link to {path}")
