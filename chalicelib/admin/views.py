"""/admin/: the administrators' pages. Each needs an administrator (anyone else gets 404,
so the pages do not say they exist) with two-factor, in sudo mode."""
from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any
from urllib.parse import quote

from chalicelib import web
from chalicelib.core.config import get_settings
from chalicelib.core.errors import NotFound
from chalicelib.core.lazy import lazy
from chalicelib.core.translation import gettext
from chalicelib.packaging import permissions
from chalicelib.packaging.names import normalize
from chalicelib.packaging.views_manage import project_dependents
from chalicelib.web import Response

if TYPE_CHECKING:  # loaded by the first request to these pages, not by every cold start
    from chalicelib.admin import log, moderation, site, upstream, users
    from chalicelib.admin import organizations as review
    from chalicelib.core import switches
    from chalicelib.organizations import services as organizations
    from chalicelib.packaging import catalog as packaging
    from chalicelib.packaging import namespaces
    from chalicelib.recovery import services as recovery
else:
    packaging = lazy("chalicelib.packaging.catalog")
    log = lazy("chalicelib.admin.log")
    moderation = lazy("chalicelib.admin.moderation")
    site = lazy("chalicelib.admin.site")
    switches = lazy("chalicelib.core.switches")
    users = lazy("chalicelib.admin.users")
    recovery = lazy("chalicelib.recovery.services")
    review = lazy("chalicelib.admin.organizations")
    upstream = lazy("chalicelib.admin.upstream")
    organizations = lazy("chalicelib.organizations.services")
    namespaces = lazy("chalicelib.packaging.namespaces")

routes = web.Routes(__name__)
route = routes.route
FORM = web.FORM
Run = Callable[[web.WebRequest, str], Response]


def _opened(back: str | None) -> tuple[web.WebRequest, str] | Response:
    """The request and the administrator; the 404 page, or a gate (two-factor, sudo) otherwise."""
    req = routes.web_request()
    if not permissions.is_administrator(req.username):
        return web.page(req, "not-found.html", 404)
    if (gate := web.gate(req, sudo=True, mandate=True, back=back)) is not None:
        return gate
    return req, req.require_user()


def _show(template: str, context: Callable[[web.WebRequest], dict[str, Any]]) -> Response:
    opened = _opened(None)  # back to the page itself
    if isinstance(opened, Response):
        return opened
    req, _ = opened
    try:
        return web.page(req, template, **context(req))
    except NotFound:
        return web.page(req, "not-found.html", 404)


def _form(template: str, back: str, run: Run, context: Callable[[web.WebRequest], dict[str, Any]]) -> Response:
    opened = _opened(back)
    if isinstance(opened, Response):
        return opened
    req, administrator = opened
    try:
        return web.form_action(req, template, lambda: run(req, administrator), lazy_context=lambda: context(req))
    except NotFound:  # the page of a refused form is about a user or project that does not exist
        return web.page(req, "not-found.html", 404)


def _site(_req: web.WebRequest) -> dict[str, Any]:
    return {"switches": switches.current(fresh=True), "private_by_setting": get_settings().private_index}


@route("/admin", methods=["GET"])
def dashboard() -> Response:
    return _show("admin/index.html", _site)


@route("/admin", methods=["POST"], content_types=FORM)
def save_switches() -> Response:
    def run(req: web.WebRequest, administrator: str) -> Response:
        site.set_switches(administrator, registrations=req.form.get("registrations") == "on",
                          projects=req.form.get("projects") == "on", origin=req.origin,
                          review_organizations=req.form.get("review_organizations") == "on",
                          # the box is disabled (and sent by no browser) while the setting decides
                          private=switches.current().private if get_settings().private_index
                          else req.form.get("private") == "on")
        return web.redirect(req, "/admin/", notice="admin-saved")
    return _form("admin/index.html", "/admin/", run, _site)


@route("/admin/users", methods=["GET"])
def find_user() -> Response:
    def context(req: web.WebRequest) -> dict[str, Any]:
        query = req.query.get("q", "").strip()[:254]
        return {"query": query, "found": users.find(query), "searched": bool(query)}
    return _show("admin/users.html", context)


def _user(username: str) -> Callable[[web.WebRequest], dict[str, Any]]:
    return lambda _req: {"person": users.detail(username)}


@route("/admin/users/{username}", methods=["GET"])
def user_page(username: str) -> Response:
    return _show("admin/user.html", _user(username))


@route("/admin/users/{username}/{change}", methods=["POST"], content_types=FORM)
def change_user(username: str, change: str) -> Response:
    """change: "suspend", "restore" or "end-sessions"."""
    def run(req: web.WebRequest, administrator: str) -> Response:
        if change == "suspend":
            users.suspend(administrator, username, req.form.get("reason", ""), req.origin)
            return web.redirect(req, f"/admin/users/{quote(username)}/", notice="user-suspended")
        if change == "restore":
            users.restore(administrator, username, req.origin)
            return web.redirect(req, f"/admin/users/{quote(username)}/", notice="user-restored")
        if change == "end-sessions":
            users.end_sessions(administrator, username, req.origin)
            return web.redirect(req, f"/admin/users/{quote(username)}/", notice="user-sessions-ended")
        raise NotFound()
    return _form("admin/user.html", f"/admin/users/{quote(username)}/", run, _user(username))


def _recoveries(_req: web.WebRequest) -> dict[str, Any]:
    return {"recoveries": recovery.queue()}


@route("/admin/recoveries", methods=["GET"])
def recoveries() -> Response:
    return _show("admin/recoveries.html", _recoveries)


@route("/admin/recoveries/{recovery_id}/{change}", methods=["POST"], content_types=FORM)
def change_recovery(recovery_id: str, change: str) -> Response:
    """change: "start" (with the evidence checked) or "cancel"."""
    def run(req: web.WebRequest, administrator: str) -> Response:
        if change == "start":
            recovery.start(administrator, recovery_id, req.form.get("evidence", ""), req.origin)
            return web.redirect(req, "/admin/recoveries/", notice="recovery-started")
        if change == "cancel":
            recovery.cancel_by_administrator(administrator, recovery_id, req.origin)
            return web.redirect(req, "/admin/recoveries/", notice="admin-recovery-cancelled")
        raise NotFound()
    return _form("admin/recoveries.html", "/admin/recoveries/", run, _recoveries)


def _organizations(_req: web.WebRequest) -> dict[str, Any]:
    return {"awaiting": organizations.awaiting(), "reviewing": switches.current(fresh=True).review_organizations}


@route("/admin/organizations", methods=["GET"])
def organizations_awaiting() -> Response:
    return _show("admin/organizations.html", _organizations)


@route("/admin/organizations/{name}/{change}", methods=["POST"], content_types=FORM)
def review_organization(name: str, change: str) -> Response:
    """change: "approve" or "decline" (with the reason mailed to its creator)."""
    def run(req: web.WebRequest, administrator: str) -> Response:
        if change == "approve":
            review.approve(administrator, name, req.origin)
            return web.redirect(req, "/admin/organizations/", notice="organization-approved")
        if change == "decline":
            review.decline(administrator, name, req.form.get("reason", ""), req.origin)
            return web.redirect(req, "/admin/organizations/", notice="organization-declined")
        raise NotFound()
    return _form("admin/organizations.html", "/admin/organizations/", run, _organizations)


def _upstream(_req: web.WebRequest) -> dict[str, Any]:
    return {"upstream": get_settings().upstream_index, "grants": namespaces.all_grants(),
            "blocks": upstream.all_blocks(), "cooldown": upstream.cooldown()}


@route("/admin/upstream", methods=["GET"])
def upstream_rules() -> Response:
    return _show("admin/upstream.html", _upstream)


@route("/admin/upstream/{change}", methods=["POST"], content_types=FORM)
def change_upstream(change: str) -> Response:
    """change: "grant" or "revoke" (a namespace), "block" or "unblock", "cooldown", or "allow" (a
    name from the upstream may be uploaded here)."""
    def run(req: web.WebRequest, administrator: str) -> Response:
        form = req.form
        if change == "grant":
            upstream.grant_namespace(administrator, form.get("prefix", ""), form.get("owners", ""),
                                     form.get("open") == "on", req.origin)
        elif change == "revoke":
            upstream.revoke_namespace(administrator, form.get("prefix", ""), req.origin)
        elif change == "block":
            upstream.block(administrator, form.get("requirement", ""), form.get("reason", ""), req.origin)
        elif change == "unblock":
            upstream.unblock(administrator, form.get("requirement", ""), req.origin)
        elif change == "cooldown":
            upstream.set_cooldown(administrator, form.get("days", ""), form.get("exempt", ""), req.origin)
        elif change == "allow":
            upstream.allow_local(administrator, form.get("name", ""), req.origin)
        else:
            raise NotFound()
        return web.redirect(req, "/admin/upstream/", notice="admin-saved")
    return _form("admin/upstream.html", "/admin/upstream/", run, _upstream)


@route("/admin/projects", methods=["GET"])
def find_project() -> Response:
    """The dashboard's "Go to project" form."""
    opened = _opened("/admin/")
    if isinstance(opened, Response):
        return opened
    req, _ = opened
    name = normalize(req.query.get("name", "").strip()[:200] or "-")
    return web.redirect(req, f"/admin/projects/{quote(name)}/")


def _project(name: str) -> Callable[[web.WebRequest], dict[str, Any]]:
    return lambda _req: {"project": packaging.project(name)}


@route("/admin/projects/{name}", methods=["GET"])
def project_page(name: str) -> Response:
    return _show("admin/project.html", _project(name))


@route("/admin/projects/{name}/{change}", methods=["POST"], content_types=FORM)
def change_project(name: str, change: str) -> Response:
    """change: "quarantine", "release" or "delete"."""
    def run(req: web.WebRequest, administrator: str) -> Response:
        found, reason = packaging.project(name), req.form.get("reason", "")
        if change == "quarantine":
            moderation.quarantine(administrator, found, reason, req.origin)
        elif change == "release":
            moderation.lift_quarantine(administrator, found, reason, req.origin)
        elif change == "delete":
            moderation.delete(administrator, found, req.form.get("confirm_name", ""), req.form.get("delete_reason", ""),
                            req.origin, dependents=project_dependents())
            return web.redirect(req, "/admin/log/", notice="project-deleted")
        else:
            raise NotFound()
        return web.redirect(req, f"/admin/projects/{found.name}/", notice=f"project-{change}d")
    return _form("admin/project.html", f"/admin/projects/{quote(name)}/", run, _project(name))


def _names(_req: web.WebRequest) -> dict[str, Any]:
    return {"prohibited": site.prohibited(), "held": site.held()}


@route("/admin/prohibited-names", methods=["GET"])
def prohibited_names() -> Response:
    return _show("admin/prohibited-names.html", _names)


@route("/admin/prohibited-names", methods=["POST"], content_types=FORM)
def prohibit() -> Response:
    def run(req: web.WebRequest, administrator: str) -> Response:
        site.prohibit(administrator, req.form.get("name", ""), req.form.get("reason", ""), req.origin)
        return web.redirect(req, "/admin/prohibited-names/", notice="name-prohibited")
    return _form("admin/prohibited-names.html", "/admin/prohibited-names/", run, _names)


@route("/admin/prohibited-names/release", methods=["POST"], content_types=FORM)
def release_name() -> Response:
    def run(req: web.WebRequest, administrator: str) -> Response:
        site.release_name(administrator, req.form.get("name", ""), req.form.get("reason", ""), req.origin)
        return web.redirect(req, "/admin/prohibited-names/", notice="name-released")
    return _form("admin/prohibited-names.html", "/admin/prohibited-names/", run, _names)


@route("/admin/log", methods=["GET"])
def admin_log() -> Response:
    return _show("admin/log.html", lambda _req: {"entries": log.entries()})


@route("/admin/events/export", methods=["GET"])
def export_events() -> Response:
    """Every event as a JSON line (a download), newest last; ?since=<ISO date or time> for fewer."""
    from chalicelib.events import export

    opened = _opened(None)
    if isinstance(opened, Response):
        return opened
    try:
        since = export.since(opened[0].query.get("since", ""))
    except ValueError:
        return web.plain(400, gettext("Give since as an ISO date or time, such as 2026-12-01."))
    return Response(body="".join(export.lines(since)), status_code=200, headers={
        "Content-Type": "application/x-ndjson; charset=utf-8", "Cache-Control": "no-store",
        "Content-Disposition": 'attachment; filename="cheeseshop-events.jsonl"'})

