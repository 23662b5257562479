"""/manage/account/: the account page and its forms (emails, password, removing a factor)."""
from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from chalicelib import web
from chalicelib.core.lazy import lazy
from chalicelib.events import services as events
from chalicelib.web import Response

if TYPE_CHECKING:  # loaded by the first request to these pages, not by every cold start
    from chalicelib.accounts import devices, registration, reset, sessions, signed_in, summary
    from chalicelib.mfa import enrollment, security_keys
else:
    enrollment = lazy("chalicelib.mfa.enrollment")
    security_keys = lazy("chalicelib.mfa.security_keys")
    devices = lazy("chalicelib.accounts.devices")
    registration = lazy("chalicelib.accounts.registration")
    sessions = lazy("chalicelib.accounts.sessions")
    signed_in = lazy("chalicelib.accounts.signed_in")
    reset = lazy("chalicelib.accounts.reset")
    summary = lazy("chalicelib.accounts.summary")

routes = web.Routes(__name__)
route = routes.route
FORM = web.FORM
ACCOUNT_PAGE = "manage/account.html"


def _req() -> web.WebRequest:
    return routes.web_request()


def account_context(req: web.WebRequest) -> dict[str, Any]:
    """What the account page shows (also when one of its forms is shown again)."""
    username = req.require_user()
    return {"account": summary.account(username), "history": events.history(username),
            "keys": security_keys.keys(username), "sessions": sessions.active(username, req.session_token),
            "devices": devices.of_user(username, req.origin.device)}


@route("/manage/account", methods=["GET"])
def account() -> Response:
    req = _req()
    return web.gate(req) or web.page(req, ACCOUNT_PAGE, **account_context(req))


def account_form(run: Callable[[web.WebRequest, str], Response], sudo: bool = False) -> Response:
    req = _req()
    if (gate := web.gate(req, sudo=sudo, back="/manage/account/")) is not None:
        return gate
    username = req.require_user()
    return web.form_action(req, ACCOUNT_PAGE, lambda: run(req, username),
                           lazy_context=lambda: account_context(req))


@route("/manage/account/password", methods=["POST"], content_types=FORM)
def change_password() -> Response:
    def run(req: web.WebRequest, username: str) -> Response:
        token = reset.change_password(username, current=req.form.get("current_password", ""),
                                     new=req.form.get("new_password", ""),
                                     confirm=req.form.get("password_confirm", ""), origin=req.origin)
        web.start_session(req, token)
        return web.redirect(req, "/manage/account/", notice="password-changed")
    return account_form(run)


@route("/manage/account/email", methods=["POST"], content_types=FORM)
def add_email() -> Response:
    def run(req: web.WebRequest, username: str) -> Response:
        registration.add_email(username, req.form.get("email", ""), req.origin)
        return web.redirect(req, "/manage/account/", notice="email-added")
    return account_form(run, sudo=True)  # an address added is a way to reset the password


@route("/manage/account/email/resend", methods=["POST"], content_types=FORM)
def resend_verification() -> Response:
    def run(req: web.WebRequest, username: str) -> Response:
        registration.resend_verification(username, req.form.get("email", ""), req.origin)
        return web.redirect(req, "/manage/account/", notice="verification-sent")
    return account_form(run)


@route("/manage/account/totp/remove", methods=["POST"], content_types=FORM)
def remove_totp() -> Response:
    def run(req: web.WebRequest, username: str) -> Response:
        enrollment.remove_totp(username, password=req.form.get("remove_password", ""),
                            code=req.form.get("remove_code", ""), origin=req.origin,
                            current_session=req.session_token)
        return web.redirect(req, "/manage/account/", notice="totp-removed")
    return account_form(run, sudo=True)


@route("/manage/account/webauthn/remove", methods=["POST"], content_types=FORM)
def remove_security_key() -> Response:
    def run(req: web.WebRequest, username: str) -> Response:
        key = req.form.get("credential_id", "")
        passkey = security_keys.remove_key(username, credential_id=key, password=req.form.get(f"password-{key}", ""),
                                           origin=req.origin, current_session=req.session_token)
        return web.redirect(req, "/manage/account/", notice="passkey-removed" if passkey else "webauthn-removed")
    return account_form(run, sudo=True)


@route("/manage/account/sessions/end", methods=["POST"], content_types=FORM)
def end_session() -> Response:
    def run(req: web.WebRequest, username: str) -> Response:
        if signed_in.end_session(username, req.form.get("session", ""), req.session_token, req.origin):
            web.clear_session(req)
            return web.redirect(req, "/account/login/", notice="logged-out")
        return web.redirect(req, "/manage/account/", notice="session-ended")
    return account_form(run, sudo=True)


@route("/manage/account/sessions/end-others", methods=["POST"], content_types=FORM)
def end_other_sessions() -> Response:
    def run(req: web.WebRequest, username: str) -> Response:
        signed_in.end_other_sessions(username, req.session_token, req.origin)
        return web.redirect(req, "/manage/account/", notice="sessions-ended")
    return account_form(run, sudo=True)


@route("/manage/account/devices/forget", methods=["POST"], content_types=FORM)
def forget_device() -> Response:
    def run(req: web.WebRequest, username: str) -> Response:
        signed_in.forget_device(username, req.form.get("device", ""), req.origin)
        return web.redirect(req, "/manage/account/", notice="device-forgotten")
    return account_form(run, sudo=True)
