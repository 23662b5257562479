"""A project's webhook page (its Owners, sudo mode), and the dispatcher's Lambda."""
from __future__ import annotations

from typing import TYPE_CHECKING, Any

from chalicelib import web
from chalicelib.core.lazy import lazy
from chalicelib.packaging.permissions import Permission
from chalicelib.packaging.views_manage import project_context, project_form, show_project
from chalicelib.web import Response

if TYPE_CHECKING:  # loaded by the first request to these pages, not by every cold start
    from chalicelib.webhooks import services
else:
    services = lazy("chalicelib.webhooks.services")
if TYPE_CHECKING:  # annotations only
    from chalicelib.packaging.catalog import ProjectInfo

routes = web.Routes(__name__)
route = routes.route
PAGE = "manage/project-webhooks.html"
BASE = "/manage/project/{name}/webhooks"
RUN_FOR = 50  # seconds each minute's dispatcher keeps polling (the next one starts a minute later)


def _webhooks(found: ProjectInfo) -> dict[str, Any]:
    from chalicelib.events.tags import describe

    return {"webhooks": services.of_project(found), "event_types": services.EVENT_TYPES, "describe": describe}


@route(BASE, methods=["GET"])
def project_webhooks(name: str) -> Response:
    return show_project(name, Permission.WEBHOOKS, PAGE, sudo=True, extra=_webhooks)


@route(BASE + "/{action}", methods=["POST"], content_types=web.FORM)
def change_webhooks(name: str, action: str) -> Response:
    """/webhooks/add, /webhooks/remove, /webhooks/redeliver."""
    def act(req: web.WebRequest, username: str, found: ProjectInfo) -> Response:
        back = f"/manage/project/{found.name}/webhooks/"
        if action == "add":
            secret = services.add(username, found, req.form.get("url", ""), req.form_lists.get("events", []),
                                  req.origin)
            return web.page(req, PAGE, new_secret=secret, **project_context(PAGE, username, found, _webhooks))
        if action == "remove":
            services.remove(username, found, req.form.get("webhook", ""), req.origin)
            return web.redirect(req, back, notice="webhook-removed")
        if action == "redeliver":
            services.redeliver(found, req.form.get("webhook", ""), req.form.get("delivery", ""))
            return web.redirect(req, back, notice="webhook-redelivered")
        return web.page(req, "not-found.html", 404)
    return project_form(name, Permission.WEBHOOKS, PAGE, act, sudo=True, back="webhooks/", extra=_webhooks)


def dispatch_events() -> object:
    """The event stream and webhook deliveries (chalicelib.webhooks.dispatch), started every minute."""
    from chalicelib.webhooks import dispatch

    dispatch.run(RUN_FOR)
    return None


dispatch_events = routes.every_minute(dispatch_events)  # the Lambda's handler, by this name
