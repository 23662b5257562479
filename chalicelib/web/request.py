"""A request as the views see it: parsed once into plain values (form, cookies, origin),
with the session loaded on first need and the cookies to set on the way out."""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from http.cookies import SimpleCookie
from typing import Any
from urllib.parse import parse_qs, quote, urlsplit

from chalice.app import Request

from chalicelib.accounts import sessions
from chalicelib.core.config import get_settings
from chalicelib.core.errors import NotLoggedIn
from chalicelib.core.origin import Origin
from chalicelib.core.translation import LANGUAGES

MAX_FORM_BYTES = 64 * 1024
PENDING_COOKIE = "cheeseshop_2fa"
DEVICE_COOKIE = "cheeseshop_device"
DEVICE_MAX_AGE = 365 * 24 * 3600
LANGUAGE_COOKIE = "cheeseshop_language"
LANGUAGE_MAX_AGE = 365 * 24 * 3600


@dataclass
class WebRequest:
    method: str
    path: str
    query: dict[str, str]
    form: dict[str, str]
    cookies: dict[str, str]
    origin: Origin
    headers: dict[str, str] = field(default_factory=dict)
    body: bytes = b""
    form_lists: dict[str, list[str]] = field(default_factory=dict)  # every value of fields sent more than once
    set_cookies: list[str] = field(default_factory=list)
    _session: Any = None
    _session_loaded: bool = False

    @property
    def session_token(self) -> str | None:
        return self.cookies.get(sessions.SESSION_COOKIE)

    @property
    def session(self) -> sessions.SessionInfo | None:
        if not self._session_loaded:
            self._session = sessions.load(self.session_token)
            self._session_loaded = True
        return self._session  # type: ignore[no-any-return]

    @property
    def username(self) -> str | None:
        return self.session.username if self.session else None

    def require_user(self) -> str:
        if self.username is None:
            raise NotLoggedIn()
        return self.username

    @property
    def csrf_id(self) -> str:
        """The browser's CSRF cookie, issued on first need."""
        if not self.cookies.get(sessions.CSRF_COOKIE):
            self.cookies[sessions.CSRF_COOKIE] = sessions.new_token()
            self.set_cookies.append(cookie(sessions.CSRF_COOKIE, self.cookies[sessions.CSRF_COOKIE]))
        return self.cookies[sessions.CSRF_COOKIE]


def cookies_of(headers: Any) -> dict[str, str]:
    jar = SimpleCookie()
    jar.load(headers.get("cookie", ""))
    return {name: morsel.value for name, morsel in jar.items()}


def parse(request: Request) -> WebRequest:
    headers = request.headers
    body = request.raw_body if request.method == "POST" else b""
    if isinstance(body, str):
        body = body.encode()
    if len(body) > MAX_FORM_BYTES:
        body = b""
    fields = parse_qs(body.decode("utf-8", "replace"), keep_blank_values=True)
    cookies = cookies_of(headers)
    return WebRequest(
        method=request.method,
        path=real_path(request),
        query={k: v for k, v in (request.query_params or {}).items()},
        form={k: v[0] for k, v in fields.items()},
        form_lists=fields,
        cookies=cookies,
        origin=parse_origin_only(request)._replace(device=cookies.get(DEVICE_COOKIE, "")),
        headers={"host": headers.get("host", ""), "x-csrf-token": headers.get("x-csrf-token", "")},
        body=body,
    )


def real_path(request: Request) -> str:
    """The path asked for: Chalice's request.path is the route's template ("/project/{name}")."""
    params = request.uri_params or {}
    return re.sub(r"\{(\w+)\}", lambda m: quote(str(params.get(m.group(1), "")), safe=""), request.path)


def parse_origin_only(request: Request) -> Origin:
    """Where a tool's request came from, without reading its body as a form."""
    ip = request.context.get("identity", {}).get("sourceIp", "") or ""
    return Origin(ip=ip, user_agent=request.headers.get("user-agent", "")[:512])


def cookie(name: str, value: str, max_age: int | None = None) -> str:
    parts = [f"{name}={value}", "Path=/", "HttpOnly", "SameSite=Lax"]
    if max_age is not None:
        parts.append(f"Max-Age={max_age}")
    if get_settings().cookie_secure:
        parts.append("Secure")
    return "; ".join(parts)


def start_session(req: WebRequest, token: str, language: str | None = None, device: str | None = None) -> None:
    """A new session id and a new CSRF cookie (no fixation of either); the browser speaks the
    account's language, and keeps the device cookie the login gave it (None: the one it has)."""
    req.set_cookies.append(cookie(sessions.SESSION_COOKIE, token, int(sessions.MAX_AGE.total_seconds())))
    req.set_cookies.append(cookie(sessions.CSRF_COOKIE, sessions.new_token()))
    if device:
        req.set_cookies.append(cookie(DEVICE_COOKIE, device, DEVICE_MAX_AGE))
    if language in LANGUAGES:
        remember_language(req, language)


def remember_language(req: WebRequest, language: str) -> None:
    req.set_cookies.append(cookie(LANGUAGE_COOKIE, language, LANGUAGE_MAX_AGE))


def set_pending_login(req: WebRequest, pending: str) -> None:
    req.set_cookies.append(cookie(PENDING_COOKIE, pending, 300))


def clear_pending_login(req: WebRequest) -> None:
    req.set_cookies.append(cookie(PENDING_COOKIE, "", 0))


def clear_session(req: WebRequest) -> None:
    req.set_cookies.append(cookie(sessions.SESSION_COOKIE, "", 0))
    req.set_cookies.append(cookie(sessions.CSRF_COOKIE, sessions.new_token()))


def safe_next(target: str | None, default: str) -> str:
    """Only same-site absolute paths; never '//host' or a scheme. Letters beyond ASCII are
    percent-encoded: a Location header carries ASCII only."""
    if (target and target.startswith("/") and not target.startswith("//") and "\\" not in target
            and not any(ord(c) < 33 or ord(c) == 127 for c in target)):
        return "".join(c if c.isascii() else quote(c) for c in target)
    return default


def webauthn_elsewhere(req: WebRequest) -> str | None:
    """The address security keys work at, when this request came to another one."""
    origin = get_settings().webauthn_origin
    return None if urlsplit(origin).netloc == req.headers.get("host") else origin
