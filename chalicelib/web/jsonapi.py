"""JSON answers for the pages' own scripts (the security-key steps): CSRF token in a
header, errors as {"error": "..."} with a status code."""
from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

from chalice.app import Response

from chalicelib.accounts import sessions
from chalicelib.core.errors import CheeseshopError, ValidationError
from chalicelib.core.translation import gettext
from chalicelib.web.request import WebRequest
from chalicelib.web.responses import error_headers, respond


def body(req: WebRequest) -> dict[str, Any]:
    try:
        value = json.loads(req.body or b"{}")
    except ValueError:
        return {}
    return value if isinstance(value, dict) else {}


def response(req: WebRequest, status: int, payload: dict[str, Any]) -> Response:
    return respond(req, status, json.dumps(payload), {"Content-Type": "application/json",
                                                       "Cache-Control": "no-store"})


def action(req: WebRequest, run: Callable[[], dict[str, Any]]) -> Response:
    """For the pages' scripts: CSRF token in a header, errors as {"error": "..."} with a status."""
    try:
        sessions.check_csrf(req.cookies.get(sessions.CSRF_COOKIE), req.headers.get("x-csrf-token"))
        return response(req, 200, run())
    except ValidationError as exc:
        return response(req, 400, {"error": " ".join(exc.errors.values()) or exc.message, "errors": exc.errors})
    except CheeseshopError as exc:
        answer = response(req, exc.status, {"error": exc.message})
        answer.headers.update(error_headers(exc))
        return answer


def gate(req: WebRequest, *, sudo: bool = False) -> Response | None:
    if req.session is None:
        return response(req, 401, {"error": gettext("You are no longer logged in. Please log in again.")})
    if sudo and not req.session.sudo:
        return response(req, 403, {"error": gettext(
            "Please confirm your password and second factor again: reload this page.")})
    return None
