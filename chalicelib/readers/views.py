"""How read routes turn a reader away (no routes of its own): tools get 401 with a Basic
challenge (pip, uv and poetry then ask their keyring or the user) or 403, people get the login
page; a hidden project is answered by the route's own "no such project"."""
from __future__ import annotations

from collections.abc import Callable
from typing import Any

from chalicelib import web
from chalicelib.accounts import sessions
from chalicelib.core.config import get_settings
from chalicelib.packaging.permissions import Sight
from chalicelib.readers.services import ASK, Caller, Verdict, verdict
from chalicelib.web import Response
from chalicelib.web.request import cookies_of

CHALLENGE = {"WWW-Authenticate": 'Basic realm="cheeseshop"'}
PRIVATE = {"Cache-Control": "private, no-store"}
CANNOT_READ = "This API token cannot read: make a token with the Read permission (or Read and upload)."

__all__ = ["CHALLENGE", "PRIVATE", "Caller", "caller", "for_page", "for_tool", "kept_for", "page_caller", "verdict"]


def kept_for(private: bool, seconds: int | None = None) -> str:
    """How long caches may keep an answer (pip honours it): a public one `seconds` (a simple
    page's max-age unless told), one for its reader only not at all."""
    if private:
        return PRIVATE["Cache-Control"]
    return f"max-age={get_settings().simple_max_age if seconds is None else seconds}, public"


def caller(request: Any) -> Caller:
    """A tool's credentials: its Authorization header, or a browser's session cookie."""
    token = cookies_of(request.headers).get(sessions.SESSION_COOKIE)

    def session_user() -> str | None:
        found = sessions.load(token)
        return found.username if found else None
    return Caller(request.headers.get("authorization"), session_user)


def page_caller(req: web.WebRequest, request: Any) -> Caller:
    """A page's reader: the session the page loads anyway, or an Authorization header."""
    return Caller(request.headers.get("authorization"), lambda: req.username)


def for_tool(found: Verdict, hidden: Callable[[], Response]) -> Response | None:
    """The answer to a tool that may not read (None: it may); `hidden` answers as for an unknown name."""
    if found.sight is Sight.ASK:
        return web.plain(401, found.refused or ASK, {**CHALLENGE, **PRIVATE})
    if found.sight is Sight.CANNOT_READ:
        return web.plain(403, CANNOT_READ, PRIVATE)
    if found.sight is Sight.HIDDEN:
        return hidden()
    return None


def for_page(req: web.WebRequest, found: Verdict, hidden: Callable[[], Response]) -> Response | None:
    """The answer to a person who may not read: the login page when nobody is logged in."""
    if found.sight is Sight.ASK and not found.refused and (login := web.gate(req)) is not None:
        return login
    return for_tool(found, hidden)
