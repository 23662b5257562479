"""Security keys and passkeys: the enrollment pages and the JSON steps their script, the
two-factor page's and the login page's call (options out, the browser's answer in)."""
from __future__ import annotations

from typing import TYPE_CHECKING, Any

from chalicelib import web
from chalicelib.accounts import login
from chalicelib.accounts.login import pending_user
from chalicelib.core.errors import AccountSuspended, LoginExpired
from chalicelib.core.lazy import lazy
from chalicelib.web import Response
from chalicelib.web import jsonapi as web_json

if TYPE_CHECKING:  # loaded by the first request to these pages, not by every cold start
    from chalicelib.mfa import passkeys, security_keys
else:
    passkeys = lazy("chalicelib.mfa.passkeys")
    security_keys = lazy("chalicelib.mfa.security_keys")

routes = web.Routes(__name__)
route = routes.route
PROVISION = "/manage/account/webauthn-provision"
PASSKEY_PROVISION = "/manage/account/passkey-provision"


def _req() -> web.WebRequest:
    return routes.web_request()


def _provision_page(template: str) -> Response:
    req = _req()
    return web.gate(req, sudo=True) or web.page(req, template, elsewhere=web.webauthn_elsewhere(req))


def _provision_options(kind: security_keys.Kind) -> Response:
    req = _req()
    if (gate := web_json.gate(req, sudo=True)) is not None:
        return gate
    body, username = web_json.body(req), req.require_user()
    return web_json.action(req, lambda: security_keys.begin_registration(username, str(body.get("label", "")), kind))


def _provision_verify(kind: security_keys.Kind, notice: str) -> Response:
    req = _req()
    if (gate := web_json.gate(req, sudo=True)) is not None:
        return gate
    body, username = web_json.body(req), req.require_user()

    def act() -> dict[str, Any]:
        security_keys.finish_registration(username, challenge_id=str(body.get("challengeId", "")),
                                          label=str(body.get("label", "")), credential=_dict(body.get("credential")),
                                          origin=req.origin, kind=kind)
        return {"redirect": web.url(f"/manage/account/?notice={notice}")}
    return web_json.action(req, act)


@route(PROVISION, methods=["GET"])
def provision_page() -> Response:
    return _provision_page("manage/webauthn-provision.html")


@route(PROVISION + "/options", methods=["POST"])
def provision_options() -> Response:
    return _provision_options(security_keys.SECURITY_KEY)


@route(PROVISION + "/verify", methods=["POST"])
def provision_verify() -> Response:
    return _provision_verify(security_keys.SECURITY_KEY, "webauthn-added")


@route(PASSKEY_PROVISION, methods=["GET"])
def passkey_provision_page() -> Response:
    return _provision_page("manage/passkey-provision.html")


@route(PASSKEY_PROVISION + "/options", methods=["POST"])
def passkey_provision_options() -> Response:
    return _provision_options(security_keys.PASSKEY)


@route(PASSKEY_PROVISION + "/verify", methods=["POST"])
def passkey_provision_verify() -> Response:
    return _provision_verify(security_keys.PASSKEY, "passkey-added")


@route("/account/passkey/options", methods=["POST"])
def passkey_options() -> Response:
    req = _req()
    return web_json.action(req, lambda: passkeys.begin_sign_in(req.origin))


@route("/account/passkey/verify", methods=["POST"])
def passkey_verify() -> Response:
    req = _req()
    body = web_json.body(req)

    def act() -> dict[str, Any]:
        done = passkeys.finish_sign_in(challenge_id=str(body.get("challengeId", "")),
                                       credential=_dict(body.get("credential")), origin=req.origin,
                                       next_path=web.safe_next(str(body.get("next") or ""), login.DEFAULT_NEXT),
                                       previous_session=req.session_token)
        web.clear_pending_login(req)
        web.start_session(req, done.session_token, done.language, done.device)
        return {"redirect": web.url(done.next_path)}
    return web_json.action(req, act)


@route("/account/webauthn/options", methods=["POST"])
def login_options() -> Response:
    req = _req()
    return web_json.action(req, lambda: security_keys.begin_authentication(req.cookies.get(web.PENDING_COOKIE),
                                                                                 browser=req.csrf_id))


@route("/account/webauthn/verify", methods=["POST"])
def login_verify() -> Response:
    req = _req()
    body = web_json.body(req)

    def act() -> dict[str, Any]:
        done = security_keys.finish_authentication(
            req.cookies.get(web.PENDING_COOKIE), challenge_id=str(body.get("challengeId", "")),
            credential=_dict(body.get("credential")), origin=req.origin, previous_session=req.session_token,
            browser=req.csrf_id)
        web.clear_pending_login(req)
        web.start_session(req, done.session_token, done.language, done.device)
        return {"redirect": web.url(done.next_path)}
    try:
        pending_user(req.cookies.get(web.PENDING_COOKIE), browser=req.csrf_id)
    except LoginExpired:
        return web_json.response(req, 401, {"error": LoginExpired().message, "redirect": web.url("/account/login/")})
    except AccountSuspended as exc:
        return web_json.response(req, exc.status, {"error": exc.message})
    return web_json.action(req, act)


def _dict(value: Any) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}
