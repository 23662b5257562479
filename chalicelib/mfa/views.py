"""Two-factor pages: the second login step (/account/two-factor/, /account/recovery-code/),
adding an authenticator app, and recovery codes."""
from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from chalicelib import web
from chalicelib.accounts.devices import LoginHeld
from chalicelib.accounts.views_manage import account_context
from chalicelib.core.errors import AccountSuspended, AlreadyEnrolled, CheeseshopError, EmailNotVerified, LoginExpired
from chalicelib.core.lazy import lazy
from chalicelib.web import Response

if TYPE_CHECKING:  # loaded by the first request to these pages, not by every cold start
    from chalicelib.mfa import enrollment, second_factor
else:
    second_factor = lazy("chalicelib.mfa.second_factor")
    enrollment = lazy("chalicelib.mfa.enrollment")

routes = web.Routes(__name__)
route = routes.route
FORM = web.FORM
TOTP_PAGE = "manage/totp-provision.html"
RECOVERY_PAGE = "manage/recovery-codes.html"


def _req() -> web.WebRequest:
    return routes.web_request()


def _methods_context(req: web.WebRequest, methods: second_factor.Methods) -> dict[str, Any]:
    return {"has_totp": methods.totp, "has_keys": methods.security_keys, "elsewhere": web.webauthn_elsewhere(req)}


def _pending_page(template: str) -> Response:
    req = _req()
    try:
        methods = second_factor.pending_methods(req.cookies.get(web.PENDING_COOKIE), browser=req.csrf_id)
    except LoginExpired:
        return web.redirect(req, "/account/login/", notice="login-expired")
    except AccountSuspended as exc:
        web.clear_pending_login(req)
        return web.page(req, "account/login.html", exc.status, error=exc.message)
    return web.page(req, template, **_methods_context(req, methods))


def _complete(template: str, complete: Callable[..., second_factor.Completed]) -> Response:
    req = _req()

    def act() -> Response:
        try:
            done = complete(req.cookies.get(web.PENDING_COOKIE), req.form.get("code", ""), req.origin,
                            previous_session=req.session_token, browser=req.csrf_id)
        except LoginExpired:
            web.clear_pending_login(req)
            return web.redirect(req, "/account/login/", notice="login-expired")
        except LoginHeld as held:  # a browser the account has not seen: the mailed link finishes the login
            web.clear_pending_login(req)
            return web.page(req, "account/confirm-login-sent.html", minutes=held.minutes)
        web.clear_pending_login(req)
        web.start_session(req, done.session_token, done.language, done.device)
        if done.recovery_codes_left is not None:
            return web.redirect(req, "/manage/account/recovery-codes/",
                                notice="recovery-code-used" if done.recovery_codes_left else "recovery-codes-used-up")
        return web.redirect(req, done.next_path)
    def context() -> dict[str, Any]:
        try:
            methods = second_factor.pending_methods(req.cookies.get(web.PENDING_COOKIE), browser=req.csrf_id)
            return _methods_context(req, methods)
        except LoginExpired:
            return {}
    return web.form_action(req, template, act, lazy_context=context)


@route("/account/two-factor", methods=["GET"])
def two_factor_form() -> Response:
    return _pending_page("account/two-factor.html")


@route("/account/two-factor", methods=["POST"], content_types=FORM)
def two_factor_code() -> Response:
    return _complete("account/two-factor.html", second_factor.complete_with_totp)


@route("/account/recovery-code", methods=["GET"])
def recovery_code_form() -> Response:
    return _pending_page("account/recovery-code.html")


@route("/account/recovery-code", methods=["POST"], content_types=FORM)
def recovery_code() -> Response:
    return _complete("account/recovery-code.html", second_factor.complete_with_recovery_code)


def _provisioning_or_redirect(req: web.WebRequest, token: str | None = None) -> enrollment.Provisioning | Response:
    try:
        return enrollment.provisioning(req.require_user(), token)
    except EmailNotVerified:
        return web.redirect(req, "/manage/account/", notice="verify-first")
    except AlreadyEnrolled:
        return web.redirect(req, "/manage/account/", notice="totp-exists")
    except CheeseshopError:  # an expired setup token: start again with a new secret
        return enrollment.provisioning(req.require_user())


@route("/manage/account/totp-provision", methods=["GET"])
def totp_provision_form() -> Response:
    req = _req()
    if (gate := web.gate(req, sudo=True)) is not None:
        return gate
    setup = _provisioning_or_redirect(req)
    return setup if isinstance(setup, Response) else web.page(req, TOTP_PAGE, setup=setup)


@route("/manage/account/totp-provision", methods=["POST"], content_types=FORM)
def totp_provision() -> Response:
    req = _req()
    if (gate := web.gate(req, sudo=True)) is not None:
        return gate
    username, token = req.require_user(), req.form.get("setup_token", "")

    def act() -> Response:
        has_codes = enrollment.enroll_totp(username, token=token, code=req.form.get("code", ""), origin=req.origin)
        if has_codes:
            return web.redirect(req, "/manage/account/", notice="totp-added")
        return web.redirect(req, "/manage/account/recovery-codes/", notice="totp-added-make-codes")

    def context() -> dict[str, Any]:
        setup = _provisioning_or_redirect(req, token)
        return {"setup": setup} if isinstance(setup, enrollment.Provisioning) else {}
    return web.form_action(req, TOTP_PAGE, act, lazy_context=context)


@route("/manage/account/recovery-codes", methods=["GET"])
def recovery_codes_page() -> Response:
    req = _req()
    return web.gate(req) or web.page(req, RECOVERY_PAGE, **account_context(req))


@route("/manage/account/recovery-codes", methods=["POST"], content_types=FORM)
def generate_recovery_codes() -> Response:
    req = _req()
    if (gate := web.gate(req, sudo=True)) is not None:
        return gate
    username = req.require_user()

    def act() -> Response:
        codes = enrollment.generate_recovery_codes(username, req.origin)
        return web.page(req, RECOVERY_PAGE, codes=codes, **account_context(req))
    return web.form_action(req, RECOVERY_PAGE, act, lazy_context=lambda: account_context(req))
