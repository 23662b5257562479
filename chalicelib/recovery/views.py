"""/account/recovery/: asking for a recovery, cancelling one ("this was not me") and completing
one, from the mailed links. The administrators' side is under /admin/recoveries/."""
from __future__ import annotations

from typing import TYPE_CHECKING

from chalicelib import web
from chalicelib.core.errors import CheeseshopError
from chalicelib.core.lazy import lazy
from chalicelib.web import Response

if TYPE_CHECKING:  # loaded by the first request to these pages, not by every cold start
    from chalicelib.recovery import services
else:
    services = lazy("chalicelib.recovery.services")

routes = web.Routes(__name__)
route = routes.route
FORM = web.FORM
REQUEST_PAGE, CANCEL_PAGE, COMPLETE_PAGE = "account/recovery.html", "account/recovery-cancel.html", \
    "account/recovery-complete.html"


def _req() -> web.WebRequest:
    return routes.web_request()


@route("/account/recovery", methods=["GET"])
def request_form() -> Response:
    return web.page(_req(), REQUEST_PAGE, lost=services.LOST)


@route("/account/recovery", methods=["POST"], content_types=FORM)
def request_recovery() -> Response:
    req = _req()

    def act() -> Response:
        services.request(req.form.get("login", ""), req.form.get("lost", ""), req.form.get("details", ""), req.origin)
        return web.redirect(req, "/account/login/", notice="recovery-requested")
    return web.form_action(req, REQUEST_PAGE, act, lost=services.LOST)


@route("/account/recovery/cancel", methods=["GET"])
def cancel_form() -> Response:
    req = _req()
    return web.page(req, CANCEL_PAGE, token=req.query.get("token", ""))


@route("/account/recovery/cancel", methods=["POST"], content_types=FORM)
def cancel() -> Response:
    req = _req()
    token = req.form.get("token", "")

    def act() -> Response:
        services.cancel_by_link(token, req.origin)
        return web.redirect(req, "/account/login/", notice="recovery-cancelled")
    return web.form_action(req, CANCEL_PAGE, act, token=token)


@route("/account/recovery/complete", methods=["GET"])
def complete_form() -> Response:
    req = _req()
    token = req.query.get("token", "")
    try:
        found = services.completion(token)
    except CheeseshopError as exc:
        return web.page(req, "account/link-error.html", exc.status, error=exc.message)
    return web.page(req, COMPLETE_PAGE, token=token, recovery=found)


@route("/account/recovery/complete", methods=["POST"], content_types=FORM)
def complete() -> Response:
    req = _req()
    token = req.form.get("token", "")

    def act() -> Response:
        started = services.complete(token, req.form.get("new_password", ""), req.form.get("password_confirm", ""),
                                    req.origin)
        web.start_session(req, started.token, device=started.device)
        return web.redirect(req, "/manage/account/totp-provision/", notice="recovered")

    def context() -> dict[str, object]:
        try:
            return {"recovery": services.completion(token)}
        except CheeseshopError:
            return {}
    return web.form_action(req, COMPLETE_PAGE, act, lazy_context=context, token=token)
