"""The edge between Chalice and the services: request parsing, pages, cookies,
redirects, and the one mapping from domain errors to pages and status codes."""
from __future__ import annotations

import functools
import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from http.cookies import SimpleCookie
from typing import Any
from urllib.parse import parse_qs, quote, urlsplit

from chalice import Blueprint
from chalice.app import Request, Response

from chalicelib import aws, rendering, sessions, two_factor
from chalicelib.config import get_settings
from chalicelib.errors import CheeseshopError, NotLoggedIn, RateLimited, TwoFactorRequired, ValidationError
from chalicelib.events import Origin

log = logging.getLogger(__name__)
ViewFunction = Callable[..., Response]
FORM = ["application/x-www-form-urlencoded"]
MAX_FORM_BYTES = 64 * 1024
NOTICES = {
    "registered": "Your account was created. We sent you an email: follow its link to verify "
                  "your address, then log in.",
    "verified": "Your email address is verified.",
    "logged-out": "You are logged out.",
    "reset-sent": "If an account matches, we sent a link to reset its password. "
                  "It works once and expires within an hour.",
    "reset-done": "Your password was reset. Log in with your new password.",
    "password-changed": "Your password was changed. Your other sessions were logged out.",
    "email-added": "Email address added. Follow the link we sent to verify it.",
    "verification-sent": "We sent a new verification email.",
    "login-required": "Please log in to continue.",
    "login-expired": "Your login took too long or is no longer valid. Please log in again.",
    "verify-first": "Verify your primary email address before adding a second factor: "
                    "follow the link we mailed you, or send a new one below.",
    "totp-exists": "Your account already has an authenticator app.",
    "totp-added": "Authenticator app added. You will be asked for a code when you log in.",
    "totp-added-make-codes": "Authenticator app added. Now generate recovery codes, so a lost phone "
                             "does not lock you out.",
    "totp-removed": "Authenticator app removed.",
    "two-factor-required": "Set up two-factor authentication first: it is required to manage projects "
                           "and API tokens.",
    "recovery-code-used": "You logged in with a recovery code; it cannot be used again. "
                          "Generate new codes when you run low.",
    "recovery-codes-used-up": "You logged in with your last recovery code. Generate new codes now.",
    "webauthn-added": "Security key added. You can use it at the second login step.",
    "webauthn-removed": "Security key removed.",
    "token-revoked": "API token revoked. It stopped working at once.",
}
PENDING_COOKIE = "cheeseshop_2fa"


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


def parse(request: Request) -> WebRequest:
    headers = request.headers
    jar = SimpleCookie()
    jar.load(headers.get("cookie", ""))
    body = request.raw_body if request.method == "POST" else b""
    if isinstance(body, str):
        body = body.encode()
    if len(body) > MAX_FORM_BYTES:
        body = b""
    return WebRequest(
        method=request.method,
        path=request.path,
        query={k: v for k, v in (request.query_params or {}).items()},
        form={k: v[0] for k, v in parse_qs(body.decode("utf-8", "replace")).items()},
        cookies={name: morsel.value for name, morsel in jar.items()},
        origin=parse_origin_only(request),
        headers={"host": headers.get("host", ""), "x-csrf-token": headers.get("x-csrf-token", "")},
        body=body,
    )


def cookie(name: str, value: str, max_age: int | None = None) -> str:
    parts = [f"{name}={value}", "Path=/", "HttpOnly", "SameSite=Lax"]
    if max_age is not None:
        parts.append(f"Max-Age={max_age}")
    if get_settings().cookie_secure:
        parts.append("Secure")
    return "; ".join(parts)


def start_session(req: WebRequest, token: str) -> None:
    """A new session id and a new CSRF cookie (no fixation of either)."""
    req.set_cookies.append(cookie(sessions.SESSION_COOKIE, token, int(sessions.MAX_AGE.total_seconds())))
    req.set_cookies.append(cookie(sessions.CSRF_COOKIE, sessions.new_token()))


def set_pending_login(req: WebRequest, pending: str) -> None:
    req.set_cookies.append(cookie(PENDING_COOKIE, pending, 300))


def clear_pending_login(req: WebRequest) -> None:
    req.set_cookies.append(cookie(PENDING_COOKIE, "", 0))


def clear_session(req: WebRequest) -> None:
    req.set_cookies.append(cookie(sessions.SESSION_COOKIE, "", 0))
    req.set_cookies.append(cookie(sessions.CSRF_COOKIE, sessions.new_token()))


def url(path: str) -> str:
    return get_settings().path_prefix + path


def respond(req: WebRequest, status: int, body: str, headers: dict[str, Any]) -> Response:
    if req.set_cookies:
        headers["Set-Cookie"] = list(req.set_cookies)
    return Response(body=body, status_code=status, headers=headers)


def page(req: WebRequest, template: str, status: int = 200, **context: Any) -> Response:
    context.setdefault("form", {})
    context.setdefault("errors", {})
    body = rendering.render(template, {
        "user": req.username, "csrf_token": sessions.csrf_token(req.csrf_id), "url": url,
        "notice": NOTICES.get(req.query.get("notice", "")), **context,
    })
    return respond(req, status, body, {"Content-Type": "text/html; charset=utf-8",
                                        "Cache-Control": "no-store"})


def redirect(req: WebRequest, path: str, notice: str | None = None) -> Response:
    location = url(path) + (f"?notice={notice}" if notice else "")
    return respond(req, 303, "", {"Location": location})


def form_action(req: WebRequest, template: str, action: Callable[[], Response],
                lazy_context: Callable[[], dict[str, Any]] | None = None, **context: Any) -> Response:
    """Checks CSRF, runs the action, and turns a domain error into the form again.

    lazy_context is built only when the form has to be shown again."""
    try:
        sessions.check_csrf(req.cookies.get(sessions.CSRF_COOKIE), req.form.get("csrf_token"))
        return action()
    except ValidationError as exc:
        context.update(lazy_context() if lazy_context else {})
        return page(req, template, 400, form=req.form, errors=exc.errors, error=exc.message, **context)
    except CheeseshopError as exc:
        context.update(lazy_context() if lazy_context else {})
        response = page(req, template, exc.status, form=req.form, error=exc.message, **context)
        if isinstance(exc, RateLimited):
            response.headers["Retry-After"] = str(exc.retry_after)
        return response


def safe_next(target: str | None, default: str) -> str:
    """Only same-site absolute paths; never '//host' or a scheme."""
    if target and target.startswith("/") and not target.startswith("//") and "\\" not in target:
        return target
    return default


def unavailable() -> Response:
    body = rendering.render("unavailable.html", {"url": url})
    return Response(body=body, status_code=503, headers={
        "Content-Type": "text/html; charset=utf-8", "Retry-After": "30", "Cache-Control": "no-store"})


STATIC_TYPES = {".css": "text/css; charset=utf-8", ".js": "text/javascript; charset=utf-8"}


def static_file(name: str) -> tuple[str, str] | None:
    """A file from templates/static/ by bare name (no paths), with its content type."""
    path = rendering.TEMPLATES / "static" / name
    content_type = STATIC_TYPES.get(path.suffix)
    if "/" in name or "\\" in name or name.startswith(".") or content_type is None or not path.is_file():
        return None
    return path.read_text(), content_type


def gate(req: WebRequest, *, fresh: bool = False, mandate: bool = False) -> Response | None:
    """Where to send a request that may not see a page yet: login, password again, 2FA setup."""
    here = quote(req.path.rstrip("/") + "/")
    if req.session is None:
        return redirect(req, f"/account/login/?next={here}")
    if fresh and not req.session.fresh:
        return redirect(req, f"/account/reauthenticate/?next={here}")
    if mandate:
        try:
            two_factor.require_two_factor(req.session.username)
        except TwoFactorRequired:
            return redirect(req, "/manage/account/", notice="two-factor-required")
    return None


def webauthn_elsewhere(req: WebRequest) -> str | None:
    """The address security keys work at, when this request came to another one."""
    origin = get_settings().webauthn_origin
    return None if urlsplit(origin).netloc == req.headers.get("host") else origin


def parse_origin_only(request: Request) -> Origin:
    """Where a tool's request came from, without reading its body as a form."""
    ip = request.context.get("identity", {}).get("sourceIp", "") or ""
    return Origin(ip=ip, user_agent=request.headers.get("user-agent", "")[:512])


def plain(status: int, message: str, headers: dict[str, str] | None = None) -> Response:
    return Response(body=message + "\n", status_code=status,
                    headers={"Content-Type": "text/plain; charset=utf-8", **(headers or {})})


def router(bp: Blueprint) -> Callable[..., Callable[[ViewFunction], ViewFunction]]:
    """bp.route, with every view guarded: a store that cannot be reached is a 503 page.
    (Chalice turns a view's exception into its own 500 before any middleware sees it.)"""
    def route(path: str, **options: Any) -> Callable[[ViewFunction], ViewFunction]:
        def register(view: ViewFunction) -> ViewFunction:
            @functools.wraps(view)
            def guarded(*args: Any, **kwargs: Any) -> Response:
                try:
                    return view(*args, **kwargs)
                except Exception as exc:
                    if not aws.is_unavailable(exc):
                        raise
                    log.exception("a store is unavailable")
                    return unavailable()
            bp.route(path, **options)(guarded)
            return view
        return register
    return route
