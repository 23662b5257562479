"""The second login step (/account/two-factor/, /account/recovery-code/) and
/account/reauthenticate/, where the password is asked again before sensitive changes."""
from __future__ import annotations

from collections.abc import Callable
from typing import Any

from chalice import Blueprint
from chalice.app import Response

from chalicelib import auth, two_factor, web
from chalicelib.errors import LoginExpired

bp = Blueprint(__name__)
route = web.router(bp)
FORM = web.FORM


def _req() -> web.WebRequest:
    return web.parse(bp.current_request)


def _pending_page(template: str) -> Response:
    req = _req()
    try:
        has_totp, has_keys = two_factor.pending_methods(req.cookies.get(web.PENDING_COOKIE))
    except LoginExpired:
        return web.redirect(req, "/account/login/", notice="login-expired")
    return web.page(req, template, has_totp=has_totp, has_keys=has_keys, elsewhere=web.webauthn_elsewhere(req))


def _complete(template: str, complete: Callable[..., two_factor.Completed]) -> Response:
    req = _req()

    def act() -> Response:
        try:
            done = complete(req.cookies.get(web.PENDING_COOKIE), req.form.get("code", ""), req.origin,
                            previous_session=req.session_token)
        except LoginExpired:
            web.clear_pending_login(req)
            return web.redirect(req, "/account/login/", notice="login-expired")
        web.clear_pending_login(req)
        web.start_session(req, done.session_token)
        if done.recovery_codes_left is not None:
            return web.redirect(req, "/manage/account/recovery-codes/",
                                notice="recovery-code-used" if done.recovery_codes_left else "recovery-codes-used-up")
        return web.redirect(req, done.next_path)
    def context() -> dict[str, Any]:
        try:
            has_totp, has_keys = two_factor.pending_methods(req.cookies.get(web.PENDING_COOKIE))
        except LoginExpired:
            return {}
        return {"has_totp": has_totp, "has_keys": has_keys, "elsewhere": web.webauthn_elsewhere(req)}
    return web.form_action(req, template, act, lazy_context=context)


@route("/account/two-factor", methods=["GET"])
def two_factor_form() -> Response:
    return _pending_page("account/two-factor.html")


@route("/account/two-factor", methods=["POST"], content_types=FORM)
def two_factor_code() -> Response:
    return _complete("account/two-factor.html", two_factor.complete_with_totp)


@route("/account/recovery-code", methods=["GET"])
def recovery_code_form() -> Response:
    return _pending_page("account/recovery-code.html")


@route("/account/recovery-code", methods=["POST"], content_types=FORM)
def recovery_code() -> Response:
    return _complete("account/recovery-code.html", two_factor.complete_with_recovery_code)


def _next(req: web.WebRequest) -> str:
    return web.safe_next(req.query.get("next") or req.form.get("next"), "/manage/account/")


@route("/account/reauthenticate", methods=["GET"])
def reauthenticate_form() -> Response:
    req = _req()
    if req.username is None:
        return web.redirect(req, "/account/login/", notice="login-required")
    return web.page(req, "account/reauthenticate.html", next=_next(req))


@route("/account/reauthenticate", methods=["POST"], content_types=FORM)
def reauthenticate() -> Response:
    req = _req()
    if req.username is None:
        return web.redirect(req, "/account/login/", notice="login-required")
    username = req.username

    def act() -> Response:
        auth.confirm_password(req.session_token, username, req.form.get("password", ""), req.origin)
        return web.redirect(req, _next(req))
    return web.form_action(req, "account/reauthenticate.html", act, next=_next(req))
