"""Pages under /manage/: account settings, second factors, projects."""
from __future__ import annotations

from collections.abc import Callable
from typing import Any

from chalice import Blueprint
from chalice.app import Response

from chalicelib import accounts, auth, events, factors, security_keys, tokens, web
from chalicelib.errors import AlreadyEnrolled, CheeseshopError, EmailNotVerified

bp = Blueprint(__name__)
route = web.router(bp)
FORM = web.FORM
ACCOUNT_PAGE = "manage/account.html"
TOTP_PAGE = "manage/totp-provision.html"
RECOVERY_PAGE = "manage/recovery-codes.html"


def _req() -> web.WebRequest:
    return web.parse(bp.current_request)


def _gate(req: web.WebRequest, *, fresh: bool = False, mandate: bool = False) -> Response | None:
    return web.gate(req, fresh=fresh, mandate=mandate)


def _context(username: str) -> dict[str, Any]:
    return {"account": accounts.account(username), "history": events.history(username),
            "keys": security_keys.keys(username)}


@route("/manage/account", methods=["GET"])
def account() -> Response:
    req = _req()
    return _gate(req) or web.page(req, ACCOUNT_PAGE, **_context(req.require_user()))


def account_form(run: Callable[[web.WebRequest, str], Response], fresh: bool = False) -> Response:
    req = _req()
    if (gate := _gate(req, fresh=fresh)) is not None:
        return gate
    username = req.require_user()
    return web.form_action(req, ACCOUNT_PAGE, lambda: run(req, username), lazy_context=lambda: _context(username))


@route("/manage/account/password", methods=["POST"], content_types=FORM)
def change_password() -> Response:
    def run(req: web.WebRequest, username: str) -> Response:
        token = auth.change_password(username, current=req.form.get("current_password", ""),
                                     new=req.form.get("new_password", ""),
                                     confirm=req.form.get("password_confirm", ""), origin=req.origin)
        web.start_session(req, token)
        return web.redirect(req, "/manage/account/", notice="password-changed")
    return account_form(run)


@route("/manage/account/email", methods=["POST"], content_types=FORM)
def add_email() -> Response:
    def run(req: web.WebRequest, username: str) -> Response:
        accounts.add_email(username, req.form.get("email", ""), req.origin)
        return web.redirect(req, "/manage/account/", notice="email-added")
    return account_form(run)


@route("/manage/account/email/resend", methods=["POST"], content_types=FORM)
def resend_verification() -> Response:
    def run(req: web.WebRequest, username: str) -> Response:
        accounts.resend_verification(username, req.form.get("email", ""), req.origin)
        return web.redirect(req, "/manage/account/", notice="verification-sent")
    return account_form(run)


@route("/manage/account/totp/remove", methods=["POST"], content_types=FORM)
def remove_totp() -> Response:
    def run(req: web.WebRequest, username: str) -> Response:
        factors.remove_totp(username, password=req.form.get("remove_password", ""),
                            code=req.form.get("remove_code", ""), origin=req.origin)
        return web.redirect(req, "/manage/account/", notice="totp-removed")
    return account_form(run)


@route("/manage/account/webauthn/remove", methods=["POST"], content_types=FORM)
def remove_security_key() -> Response:
    def run(req: web.WebRequest, username: str) -> Response:
        key = req.form.get("credential_id", "")
        security_keys.remove_key(username, credential_id=key, password=req.form.get(f"password-{key}", ""),
                                 origin=req.origin)
        return web.redirect(req, "/manage/account/", notice="webauthn-removed")
    return account_form(run)


def _provisioning_or_redirect(req: web.WebRequest, token: str | None = None) -> factors.Provisioning | Response:
    try:
        return factors.provisioning(req.require_user(), token)
    except EmailNotVerified:
        return web.redirect(req, "/manage/account/", notice="verify-first")
    except AlreadyEnrolled:
        return web.redirect(req, "/manage/account/", notice="totp-exists")
    except CheeseshopError:  # an expired setup token: start again with a new secret
        return factors.provisioning(req.require_user())


@route("/manage/account/totp-provision", methods=["GET"])
def totp_provision_form() -> Response:
    req = _req()
    if (gate := _gate(req, fresh=True)) is not None:
        return gate
    setup = _provisioning_or_redirect(req)
    return setup if isinstance(setup, Response) else web.page(req, TOTP_PAGE, setup=setup)


@route("/manage/account/totp-provision", methods=["POST"], content_types=FORM)
def totp_provision() -> Response:
    req = _req()
    if (gate := _gate(req, fresh=True)) is not None:
        return gate
    username, token = req.require_user(), req.form.get("setup_token", "")

    def act() -> Response:
        has_codes = factors.enroll_totp(username, token=token, code=req.form.get("code", ""), origin=req.origin)
        if has_codes:
            return web.redirect(req, "/manage/account/", notice="totp-added")
        return web.redirect(req, "/manage/account/recovery-codes/", notice="totp-added-make-codes")

    def context() -> dict[str, Any]:
        setup = _provisioning_or_redirect(req, token)
        return {"setup": setup} if isinstance(setup, factors.Provisioning) else {}
    return web.form_action(req, TOTP_PAGE, act, lazy_context=context)


@route("/manage/account/recovery-codes", methods=["GET"])
def recovery_codes_page() -> Response:
    req = _req()
    return _gate(req) or web.page(req, RECOVERY_PAGE, **_context(req.require_user()))


@route("/manage/account/recovery-codes", methods=["POST"], content_types=FORM)
def generate_recovery_codes() -> Response:
    req = _req()
    if (gate := _gate(req, fresh=True)) is not None:
        return gate
    username = req.require_user()

    def act() -> Response:
        codes = factors.generate_recovery_codes(username, req.origin)
        return web.page(req, RECOVERY_PAGE, codes=codes, **_context(username))
    return web.form_action(req, RECOVERY_PAGE, act, lazy_context=lambda: _context(username))


@route("/manage/projects", methods=["GET"])
def projects() -> Response:
    req = _req()
    if (gate := _gate(req, mandate=True)) is not None:
        return gate
    return web.page(req, "manage/projects.html", projects=accounts.projects(req.require_user()))


TOKENS_PAGE = "manage/tokens.html"


def _tokens_context(username: str) -> dict[str, Any]:
    return {"tokens": tokens.list_tokens(username), "projects": accounts.projects(username)}


@route("/manage/account/token", methods=["GET"])
def tokens_page() -> Response:
    req = _req()
    return _gate(req, mandate=True) or web.page(req, TOKENS_PAGE, **_tokens_context(req.require_user()))


@route("/manage/account/token", methods=["POST"], content_types=FORM)
def create_token() -> Response:
    req = _req()
    if (gate := _gate(req, mandate=True)) is not None:
        return gate
    username = req.require_user()

    def act() -> Response:
        token = tokens.create(username, name=req.form.get("name", ""), project=req.form.get("scope", ""),
                              expires=req.form.get("expires", ""), origin=req.origin)
        return web.page(req, TOKENS_PAGE, new_token=token, **_tokens_context(username))
    return web.form_action(req, TOKENS_PAGE, act, lazy_context=lambda: _tokens_context(username))


@route("/manage/account/token/revoke", methods=["POST"], content_types=FORM)
def revoke_token() -> Response:
    req = _req()
    if (gate := _gate(req)) is not None:
        return gate
    username = req.require_user()

    def act() -> Response:
        tokens.revoke(username, req.form.get("token_id", ""), req.origin)
        return web.redirect(req, "/manage/account/token/", notice="token-revoked")
    return web.form_action(req, TOKENS_PAGE, act, lazy_context=lambda: _tokens_context(username))
