"""Pages under /account/: register, verify, log in and out, reset a password.

GET and POST are separate routes: Chalice refuses a content-type-less GET on a route
that names form content types."""
from __future__ import annotations

from typing import TYPE_CHECKING

from chalicelib import web
from chalicelib.accounts import login, registration
from chalicelib.core.errors import CheeseshopError
from chalicelib.core.lazy import lazy
from chalicelib.web import Response

if TYPE_CHECKING:  # loaded by the first request to these pages, not by every cold start
    from chalicelib.accounts import reset
else:
    reset = lazy("chalicelib.accounts.reset")

routes = web.Routes(__name__)
route = routes.route
FORM = web.FORM


def _req() -> web.WebRequest:
    return routes.web_request()


@route("/account/register", methods=["GET"])
def register_form() -> Response:
    return web.page(_req(), "account/register.html", halted=registration.halted())


@route("/account/register", methods=["POST"], content_types=FORM)
def register() -> Response:
    req = _req()

    def act() -> Response:
        f = req.form
        registration.register(username=f.get("username", ""), full_name=f.get("full_name", ""),
                          email=f.get("email", ""), password=f.get("password", ""),
                          confirm=f.get("password_confirm", ""), origin=req.origin)
        return web.redirect(req, "/account/login/", notice="registered")
    return web.form_action(req, "account/register.html", act, halted=registration.halted())


@route("/account/verify-email", methods=["GET"])
def verify_email() -> Response:
    req = _req()
    try:
        registration.verify_email(req.query.get("token", ""), req.origin)
    except CheeseshopError as exc:
        return web.page(req, "account/link-error.html", exc.status, error=exc.message)
    return web.redirect(req, "/manage/account/" if req.username else "/account/login/",
                        notice="verified")


def _next(req: web.WebRequest) -> str:
    return web.safe_next(req.query.get("next") or req.form.get("next"), "/manage/account/")


@route("/account/login", methods=["GET"])
def login_form() -> Response:
    req = _req()
    return web.page(req, "account/login.html", next=_next(req), elsewhere=web.webauthn_elsewhere(req))


@route("/account/login", methods=["POST"], content_types=FORM)
def login_submit() -> Response:
    req = _req()

    def act() -> Response:
        result = login.login(login=req.form.get("username", ""), password=req.form.get("password", ""),
                            origin=req.origin, previous_session=req.session_token, next_path=_next(req),
                            browser=req.csrf_id)
        if result.pending:
            web.set_pending_login(req, result.pending)
            return web.redirect(req, "/account/two-factor/")
        web.start_session(req, result.session_token or "", result.language, result.device)
        return web.redirect(req, _next(req))
    return web.form_action(req, "account/login.html", act, next=_next(req), elsewhere=web.webauthn_elsewhere(req))


@route("/account/logout", methods=["POST"], content_types=FORM)
def logout() -> Response:
    req = _req()

    def act() -> Response:
        if req.username:
            login.logout(req.session_token, req.username, req.origin)
        web.clear_session(req)
        return web.redirect(req, "/account/login/", notice="logged-out")
    return web.form_action(req, "account/logout-error.html", act)


@route("/account/request-password-reset", methods=["GET"])
def request_password_reset_form() -> Response:
    return web.page(_req(), "account/request-password-reset.html")


@route("/account/request-password-reset", methods=["POST"], content_types=FORM)
def request_password_reset() -> Response:
    req = _req()

    def act() -> Response:
        reset.request_password_reset(req.form.get("username_or_email", ""), req.origin)
        return web.redirect(req, "/account/login/", notice="reset-sent")
    return web.form_action(req, "account/request-password-reset.html", act)


@route("/account/reset-password", methods=["GET"])
def reset_password_form() -> Response:
    req = _req()
    token = req.query.get("token", "")
    try:
        user = reset.reset_for(token)
    except CheeseshopError as exc:
        return web.page(req, "account/link-error.html", exc.status, error=exc.message)
    return web.page(req, "account/reset-password.html", token=token, for_user=user.display_username)


@route("/account/reset-password", methods=["POST"], content_types=FORM)
def reset_password() -> Response:
    req = _req()
    token = req.form.get("token", "")

    def act() -> Response:
        reset.reset_password(token, new=req.form.get("new_password", ""),
                            confirm=req.form.get("password_confirm", ""), origin=req.origin)
        web.clear_session(req)
        return web.redirect(req, "/account/login/", notice="reset-done")
    return web.form_action(req, "account/reset-password.html", act, token=token)


@route("/account/confirm-login", methods=["GET"])
def confirm_login_form() -> Response:
    """The mailed link of a login held for a new device: a button, so a mail scanner following
    the link finishes nothing (and it works only in the browser that logged in)."""
    req = _req()
    return web.page(req, "account/confirm-login.html", token=req.query.get("token", ""))


@route("/account/confirm-login", methods=["POST"], content_types=FORM)
def confirm_login() -> Response:
    req = _req()
    token = req.form.get("token", "")

    def act() -> Response:
        started, next_path = login.confirm_held(token, req.origin, previous_session=req.session_token,
                                                browser=req.csrf_id)
        web.start_session(req, started.token, device=started.device)
        return web.redirect(req, next_path)
    return web.form_action(req, "account/confirm-login.html", act, token=token)


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
        pending = login.reauthenticate(req.session_token, username, req.form.get("password", ""), req.origin,
                                       _next(req), browser=req.csrf_id)
        if pending:
            web.set_pending_login(req, pending)
            return web.redirect(req, "/account/two-factor/")
        return web.redirect(req, _next(req))
    return web.form_action(req, "account/reauthenticate.html", act, next=_next(req))
