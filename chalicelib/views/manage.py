"""Pages under /manage/: the account settings of the logged-in user."""
from __future__ import annotations

from typing import Any
from urllib.parse import quote

from chalice import Blueprint
from chalice.app import Response

from chalicelib import accounts, auth, events, web

bp = Blueprint(__name__)
FORM = web.FORM
ACCOUNT_PAGE = "manage/account.html"


def _context(username: str) -> dict[str, Any]:
    return {"account": accounts.account(username), "history": events.history(username)}


def _logged_in(req: web.WebRequest) -> Response | None:
    if req.username is None:
        return web.redirect(req, "/account/login/?next=" + quote(req.path.rstrip("/") + "/"))
    return None


@bp.route("/manage/account", methods=["GET"])
def account() -> Response:
    req = web.parse(bp.current_request)
    if (gate := _logged_in(req)) is not None:
        return gate
    return web.page(req, ACCOUNT_PAGE, **_context(req.require_user()))


def _account_form(action_name: str, run: Any) -> Response:
    req = web.parse(bp.current_request)
    if (gate := _logged_in(req)) is not None:
        return gate
    username = req.require_user()

    def act() -> Response:
        return run(req, username)  # type: ignore[no-any-return]
    return web.form_action(req, ACCOUNT_PAGE, act, active=action_name, **_context(username))


@bp.route("/manage/account/password", methods=["POST"], content_types=FORM)
def change_password() -> Response:
    def run(req: web.WebRequest, username: str) -> Response:
        token = auth.change_password(username, current=req.form.get("current_password", ""),
                                     new=req.form.get("new_password", ""),
                                     confirm=req.form.get("password_confirm", ""),
                                     origin=req.origin)
        web.start_session(req, token)
        return web.redirect(req, "/manage/account/", notice="password-changed")
    return _account_form("password", run)


@bp.route("/manage/account/email", methods=["POST"], content_types=FORM)
def add_email() -> Response:
    def run(req: web.WebRequest, username: str) -> Response:
        accounts.add_email(username, req.form.get("email", ""), req.origin)
        return web.redirect(req, "/manage/account/", notice="email-added")
    return _account_form("email", run)


@bp.route("/manage/account/email/resend", methods=["POST"], content_types=FORM)
def resend_verification() -> Response:
    def run(req: web.WebRequest, username: str) -> Response:
        accounts.resend_verification(username, req.form.get("email", ""), req.origin)
        return web.redirect(req, "/manage/account/", notice="verification-sent")
    return _account_form("email", run)
