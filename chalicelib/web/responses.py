"""Responses: pages from templates, redirects, plain text, the 503 page, static files."""
from __future__ import annotations

from typing import Any

from chalice.app import Response

from chalicelib.accounts import sessions
from chalicelib.core import rendering
from chalicelib.core.config import get_settings
from chalicelib.core.errors import CheeseshopError, RateLimited, UploadRefused
from chalicelib.core.translation import LANGUAGES, gettext
from chalicelib.web.notices import NOTICES
from chalicelib.web.request import WebRequest

__all__ = ["Response", "page", "plain", "redirect", "respond", "static_file", "unavailable", "url"]


def url(path: str) -> str:
    return get_settings().path_prefix + path


def respond(req: WebRequest, status: int, body: str, headers: dict[str, Any]) -> Response:
    if req.set_cookies:
        headers["Set-Cookie"] = list(req.set_cookies)
    return Response(body=body, status_code=status, headers=headers)


def page(req: WebRequest, template: str, status: int = 200, **context: Any) -> Response:
    context.setdefault("form", {})
    context.setdefault("errors", {})
    context.setdefault("form_lists", {})
    notice = NOTICES.get(req.query.get("notice", ""))
    body = rendering.render(template, {
        "user": req.username, "csrf_token": sessions.csrf_token(req.csrf_id), "url": url,
        "absolute_url": get_settings().url, "notice": gettext(notice) if notice else None,
        "languages": LANGUAGES, **context,
        # The page the language picker comes back to: its path only, so nothing a link's query
        # carries (a `next=` elsewhere) is echoed in the page.
        "here": req.path,
    })
    return respond(req, status, body, {"Content-Type": "text/html; charset=utf-8",
                                        "Cache-Control": "no-store"})


def redirect(req: WebRequest, path: str, notice: str | None = None) -> Response:
    location = url(path) + (f"?notice={notice}" if notice else "")
    return respond(req, 303, "", {"Location": location})


def error_headers(exc: CheeseshopError) -> dict[str, str]:
    """What a refusal adds to its response: how long to wait, when it was a rate limit."""
    if isinstance(exc, (RateLimited, UploadRefused)) and exc.retry_after is not None:
        return {"Retry-After": str(exc.retry_after)}
    return {}


def unavailable(html: bool = True) -> Response:
    """The 503 page for browsers; the same in plain text for tools (twine prints the body)."""
    if not html:
        return plain(503, rendering.render("unavailable.txt", {}).strip(), {"Retry-After": "30",
                                                                          "Cache-Control": "no-store"})
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


def plain(status: int, message: str, headers: dict[str, str] | None = None) -> Response:
    return Response(body=message + "\n", status_code=status,
                    headers={"Content-Type": "text/plain; charset=utf-8", **(headers or {})})
