"""/manage/account/token/: making, listing and revoking API tokens."""
from __future__ import annotations

from typing import Any

from chalicelib import web
from chalicelib.packaging import permissions
from chalicelib.web import Response

routes = web.Routes(__name__)
route = routes.route
FORM = web.FORM


def _req() -> web.WebRequest:
    return routes.web_request()


TOKENS_PAGE = "manage/tokens.html"


def _tokens_context(username: str) -> dict[str, Any]:
    from chalicelib.tokens import services as tokens  # loaded by the first token page, not by every cold start

    return {"tokens": tokens.list_tokens(username), "projects": permissions.projects_of(username)}


@route("/manage/account/token", methods=["GET"])
def tokens_page() -> Response:
    req = _req()
    return web.gate(req, mandate=True) or web.page(req, TOKENS_PAGE, **_tokens_context(req.require_user()))


@route("/manage/account/token", methods=["POST"], content_types=FORM)
def create_token() -> Response:
    req = _req()
    if (gate := web.gate(req, mandate=True, sudo=True, back="/manage/account/token/")) is not None:
        return gate
    username = req.require_user()

    def act() -> Response:
        from chalicelib.tokens import services as tokens

        token = tokens.create(username, name=req.form.get("name", ""), projects=req.form_lists.get("scope", []),
                              expires=req.form.get("expires", ""), origin=req.origin,
                              permissions=req.form.get("permissions", tokens.DEFAULT_PERMISSIONS))
        return web.page(req, TOKENS_PAGE, new_token=token, new_permissions=req.form.get("permissions", "upload"),
                        **_tokens_context(username))
    return web.form_action(req, TOKENS_PAGE, act, lazy_context=lambda: _tokens_context(username))


@route("/manage/account/token/revoke", methods=["POST"], content_types=FORM)
def revoke_token() -> Response:
    req = _req()
    if (gate := web.gate(req)) is not None:
        return gate
    username = req.require_user()

    def act() -> Response:
        from chalicelib.tokens import services as tokens

        tokens.revoke(username, req.form.get("token_id", ""), req.origin)
        return web.redirect(req, "/manage/account/token/", notice="token-revoked")
    return web.form_action(req, TOKENS_PAGE, act, lazy_context=lambda: _tokens_context(username))
