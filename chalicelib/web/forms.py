"""HTML forms: CSRF checked, a domain error shown on the form again, and the gates a page
sets before it can be seen (login, sudo mode, the two-factor mandate)."""
from __future__ import annotations

from collections.abc import Callable
from typing import Any
from urllib.parse import quote

from chalice.app import Response

from chalicelib.accounts import sessions, twofactor
from chalicelib.core.errors import CheeseshopError, TwoFactorRequired, ValidationError
from chalicelib.web.request import WebRequest
from chalicelib.web.responses import error_headers, page, redirect

FORM = ["application/x-www-form-urlencoded"]


def form_action(req: WebRequest, template: str, action: Callable[[], Response],
                lazy_context: Callable[[], dict[str, Any]] | None = None, **context: Any) -> Response:
    """Checks CSRF, runs the action, and turns a domain error into the form again.

    lazy_context is built only when the form has to be shown again."""
    try:
        sessions.check_csrf(req.cookies.get(sessions.CSRF_COOKIE), req.form.get("csrf_token"))
        return action()
    except ValidationError as exc:
        context.update(lazy_context() if lazy_context else {})
        return page(req, template, 400, form=req.form, form_lists=req.form_lists, errors=exc.errors,
                    error=exc.message, **context)
    except CheeseshopError as exc:
        context.update(lazy_context() if lazy_context else {})
        response = page(req, template, exc.status, form=req.form, error=exc.message, **context)
        response.headers.update(error_headers(exc))
        return response


def gate(req: WebRequest, *, sudo: bool = False, mandate: bool = False, back: str | None = None) -> Response | None:
    """Where to send a request that may not see a page yet: login, 2FA setup, reauthentication.

    back: the page to return to (a form's page, when this is its POST), with its query if any."""
    path, _, query = (back or req.path).partition("?")
    here = quote(path.rstrip("/") + "/" + ("?" + query if query else ""))
    if req.session is None:
        return redirect(req, f"/account/login/?next={here}")
    if mandate:
        try:
            twofactor.require_two_factor(req.session.username)
        except TwoFactorRequired:
            return redirect(req, "/manage/account/", notice="two-factor-required")
    if sudo and not req.session.sudo:
        return redirect(req, f"/account/reauthenticate/?next={here}")
    return None
