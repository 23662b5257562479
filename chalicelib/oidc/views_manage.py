"""The trusted publishing pages: a project's publishers (its Owners, sudo mode) and a user's
pending publishers (two-factor, sudo mode)."""
from __future__ import annotations

from typing import TYPE_CHECKING, Any

from chalicelib import web
from chalicelib.core.lazy import lazy
from chalicelib.packaging.permissions import Permission
from chalicelib.packaging.views_manage import project_form, show_project
from chalicelib.web import Response

if TYPE_CHECKING:  # loaded by the first request to these pages, not by every cold start
    from chalicelib.oidc import pending, publishers
else:
    pending = lazy("chalicelib.oidc.pending")
    publishers = lazy("chalicelib.oidc.publishers")
if TYPE_CHECKING:  # annotations only
    from chalicelib.packaging.catalog import ProjectInfo

routes = web.Routes(__name__)
route = routes.route
FORM = web.FORM
PROJECT_PAGE = "manage/project-publishing.html"
ACCOUNT_PAGE = "manage/account-publishing.html"
BASE = "/manage/project/{name}/publishing"


def _publishers(found: ProjectInfo) -> dict[str, Any]:
    return {"publishers": publishers.of_project(found.name), "describe": publishers.describe}


@route(BASE, methods=["GET"])
def project_publishing(name: str) -> Response:
    return show_project(name, Permission.PUBLISHERS, PROJECT_PAGE, sudo=True, extra=_publishers)


REMOVE = "remove"  # the last segment of the removal's URL; every other names the kind of publisher added


@route(BASE + "/{kind}", methods=["POST"], content_types=FORM)
def change_publishers(name: str, kind: str) -> Response:
    """Adds a trusted publisher of a kind (/publishing/github), or removes one (/publishing/remove)."""
    def add(req: web.WebRequest, username: str, found: ProjectInfo) -> Response:
        publishers.add(username, found, kind, req.form, req.origin)
        return web.redirect(req, f"/manage/project/{found.name}/publishing/", notice="publisher-added")

    def remove(req: web.WebRequest, username: str, found: ProjectInfo) -> Response:
        publishers.remove(username, found, req.form.get("publisher", ""), req.origin)
        return web.redirect(req, f"/manage/project/{found.name}/publishing/", notice="publisher-removed")
    return project_form(name, Permission.PUBLISHERS, PROJECT_PAGE, remove if kind == REMOVE else add,
                        sudo=True, back="publishing/", extra=_publishers)


def _account_gate(req: web.WebRequest) -> Response | None:
    return web.gate(req, sudo=True, mandate=True, back="/manage/account/publishing/")


@route("/manage/account/publishing", methods=["GET"])
def account_publishing() -> Response:
    req = routes.web_request()
    if (gate := _account_gate(req)) is not None:
        return gate
    return web.page(req, ACCOUNT_PAGE, pending=pending.of_user(req.require_user()),
                    describe=publishers.describe)


@route("/manage/account/publishing/{kind}", methods=["POST"], content_types=FORM)
def add_pending_publisher(kind: str) -> Response:
    req = routes.web_request()
    if (gate := _account_gate(req)) is not None:
        return gate
    username = req.require_user()

    def act() -> Response:
        if kind == "remove":
            pending.remove(username, req.form.get("publisher", ""), req.origin)
            return web.redirect(req, "/manage/account/publishing/", notice="pending-publisher-removed")
        pending.add(username, req.form.get("project_name", ""), kind, req.form, req.origin)
        return web.redirect(req, "/manage/account/publishing/", notice="pending-publisher-added")
    return web.form_action(req, ACCOUNT_PAGE, act, lazy_context=lambda: {
        "pending": pending.of_user(username), "describe": publishers.describe, "active": kind})
