"""/manage/project/<name>/...: a project's settings, releases, collaborators and history, for
its members; and the answer to an invitation. What each member may do is
chalicelib.packaging.permissions'; destructive and ownership-changing forms need sudo mode."""
from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from chalicelib import web
from chalicelib.core.errors import CheeseshopError, NotFound, TwoFactorRequired
from chalicelib.core.lazy import lazy
from chalicelib.core.origin import Origin
from chalicelib.events import services as events
from chalicelib.packaging import permissions
from chalicelib.packaging.names import normalize
from chalicelib.packaging.permissions import Permission
from chalicelib.web import Response

if TYPE_CHECKING:  # loaded by the first request to these pages, not by every cold start
    from chalicelib.forklift import upload_sessions as upload_sessions
    from chalicelib.oidc import pending
    from chalicelib.organizations import projects as organization_projects
    from chalicelib.packaging import catalog, collaborators, retraction, status, visibility
else:
    visibility = lazy("chalicelib.packaging.visibility")
    pending = lazy("chalicelib.oidc.pending")
    organization_projects = lazy("chalicelib.organizations.projects")
    upload_sessions = lazy("chalicelib.forklift.upload_sessions")
    collaborators = lazy("chalicelib.packaging.collaborators")
    retraction = lazy("chalicelib.packaging.retraction")
    catalog = lazy("chalicelib.packaging.catalog")
    status = lazy("chalicelib.packaging.status")
if TYPE_CHECKING:  # annotations only
    from chalicelib.packaging.catalog import ProjectInfo

routes = web.Routes(__name__)
route = routes.route
FORM = web.FORM
BASE = "/manage/project/{name}"
Action = Callable[[web.WebRequest, str, "ProjectInfo"], Response]
Extra = Callable[["ProjectInfo"], dict[str, Any]]  # what a page of another package adds to the context


def _base(found: ProjectInfo) -> str:
    return f"/manage/project/{found.name}/"


def open_project(name: str, permission: Permission) -> tuple[web.WebRequest, str, ProjectInfo] | Response:
    """The request, user and project when the user may do this to it; a gate or 404 otherwise."""
    req = routes.web_request()
    if (gate := web.gate(req, mandate=True)) is not None:
        return gate
    username = req.require_user()
    try:
        found = catalog.project(name)
        permissions.require(username, permission, found.name)
    except NotFound:
        return web.page(req, "not-found.html", 404)
    return req, username, found


def project_context(template: str, username: str, found: ProjectInfo, extra: Extra | None = None) -> dict[str, Any]:
    role = permissions.role_of(username, found.name)
    context: dict[str, Any] = {"project": found, "role": role, "base": _base(found),
                               "allowed": {p.value for p in Permission if permissions.allows(role, p, found.status)}}
    if template == "manage/project-releases.html":
        context.update(releases=catalog.releases(found.name), files=catalog.files(found).files)
    elif template == "manage/project-collaborators.html":
        context.update(collaborators=collaborators.collaborators(found.name),
                       invitations=collaborators.pending(found.name))
    elif template == "manage/project-history.html":
        context.update(history=events.history(found.history_key))
    return {**context, **(extra(found) if extra else {})}


def show_project(name: str, permission: Permission, template: str, *, sudo: bool = False,
                 extra: Extra | None = None) -> Response:
    """A project's settings page, for a user who may do `permission` to the project."""
    opened = open_project(name, permission)
    if isinstance(opened, Response):
        return opened
    req, username, found = opened
    if sudo and (gate := web.gate(req, sudo=True)) is not None:
        return gate
    return web.page(req, template, **project_context(template, username, found, extra))


def project_form(name: str, permission: Permission, template: str, run: Action, *, sudo: bool = False,
                 back: str = "", extra: Extra | None = None) -> Response:
    """A form on a project's settings page: `run` once the user may, the page again on a refusal."""
    opened = open_project(name, permission)
    if isinstance(opened, Response):
        return opened
    req, username, found = opened
    if sudo and (gate := web.gate(req, sudo=True, back=_base(found) + back)) is not None:
        return gate
    return web.form_action(req, template, lambda: run(req, username, found),
                           lazy_context=lambda: project_context(template, username, found, extra))


@route(BASE, methods=["GET"])
def settings(name: str) -> Response:
    return show_project(name, Permission.VIEW, "manage/project.html")


@route(BASE + "/history", methods=["GET"])
def history(name: str) -> Response:
    return show_project(name, Permission.VIEW, "manage/project-history.html")


@route(BASE + "/releases", methods=["GET"])
def releases(name: str) -> Response:
    return show_project(name, Permission.YANK, "manage/project-releases.html")


RELEASES = "manage/project-releases.html"


@route(BASE + "/releases/yank", methods=["POST"], content_types=FORM)
def yank(name: str) -> Response:
    def run(req: web.WebRequest, username: str, found: ProjectInfo) -> Response:
        retraction.yank(username, found, req.form.get("version", ""), req.form.get("reason", ""), req.origin)
        return web.redirect(req, _base(found) + "releases/", notice="release-yanked")
    return project_form(name, Permission.YANK, RELEASES, run, sudo=True, back="releases/")


@route(BASE + "/releases/unyank", methods=["POST"], content_types=FORM)
def unyank(name: str) -> Response:
    def run(req: web.WebRequest, username: str, found: ProjectInfo) -> Response:
        retraction.unyank(username, found, req.form.get("version", ""), req.origin)
        return web.redirect(req, _base(found) + "releases/", notice="release-unyanked")
    return project_form(name, Permission.YANK, RELEASES, run, sudo=True, back="releases/")


@route(BASE + "/releases/delete", methods=["POST"], content_types=FORM)
def delete_release(name: str) -> Response:
    def run(req: web.WebRequest, username: str, found: ProjectInfo) -> Response:
        retraction.delete_release(username, found, req.form.get("version", ""), req.origin)
        return web.redirect(req, _base(found) + "releases/", notice="release-deleted")
    return project_form(name, Permission.DELETE, RELEASES, run, sudo=True, back="releases/")


@route(BASE + "/files/delete", methods=["POST"], content_types=FORM)
def delete_file(name: str) -> Response:
    def run(req: web.WebRequest, username: str, found: ProjectInfo) -> Response:
        retraction.delete_file(username, found, req.form.get("filename", ""), req.origin)
        return web.redirect(req, _base(found) + "releases/", notice="file-deleted")
    return project_form(name, Permission.DELETE, RELEASES, run, sudo=True, back="releases/")


def project_dependents() -> tuple[retraction.Dependents, ...]:
    """What other domains keep of a project, removed with it by its deletion (an Owner's or an
    administrator's): its trusted publishers and pending ones naming it, its open upload sessions,
    its organization's hold on it and the roles organizations grant on it."""
    return (pending.removal_writes, upload_sessions.removal_writes, organization_projects.removal_writes)


@route(BASE + "/delete", methods=["POST"], content_types=FORM)
def delete_project(name: str) -> Response:
    def run(req: web.WebRequest, username: str, found: ProjectInfo) -> Response:
        retraction.delete_project(username, found, req.form.get("confirm_name", ""), req.origin,
                              dependents=project_dependents())
        return web.redirect(req, "/manage/projects/", notice="project-deleted")
    return project_form(name, Permission.DELETE, "manage/project.html", run, sudo=True)


Change = Callable[[str, "ProjectInfo", Origin], None]  # a service's one-button change: actor, project, origin


def _one_button(action: str, permission: Permission, change: Callable[[], Change], notice: str) -> None:
    """POST <project>/<action>/: a button of the settings page (sudo), then the page again with a notice."""
    def view(name: str) -> Response:
        def run(req: web.WebRequest, username: str, found: ProjectInfo) -> Response:
            change()(username, found, req.origin)
            return web.redirect(req, _base(found), notice=notice)
        return project_form(name, permission, "manage/project.html", run, sudo=True)
    view.__name__ = action.replace("-", "_") + "_project"
    route(BASE + "/" + action, methods=["POST"], content_types=FORM)(view)


_one_button("archive", Permission.ARCHIVE, lambda: status.archive, "project-archived")
_one_button("unarchive", Permission.ARCHIVE, lambda: status.unarchive, "project-unarchived")
_one_button("private", Permission.VISIBILITY, lambda: visibility.make_private, "project-private")
_one_button("public", Permission.VISIBILITY, lambda: visibility.make_public, "project-public")


COLLABORATORS = "manage/project-collaborators.html"


@route(BASE + "/collaborators", methods=["GET"])
def collaborators_page(name: str) -> Response:
    return show_project(name, Permission.COLLABORATORS, COLLABORATORS)


@route(BASE + "/collaborators/invite", methods=["POST"], content_types=FORM)
def invite(name: str) -> Response:
    def run(req: web.WebRequest, username: str, found: ProjectInfo) -> Response:
        collaborators.invite(username, found, username=req.form.get("username", ""),
                             role=req.form.get("role", ""), origin=req.origin)
        return web.redirect(req, _base(found) + "collaborators/", notice="invited")
    return project_form(name, Permission.COLLABORATORS, COLLABORATORS, run, sudo=True, back="collaborators/")


@route(BASE + "/collaborators/revoke", methods=["POST"], content_types=FORM)
def revoke(name: str) -> Response:
    def run(req: web.WebRequest, username: str, found: ProjectInfo) -> Response:
        collaborators.revoke(username, found, req.form.get("username", ""), req.origin)
        return web.redirect(req, _base(found) + "collaborators/", notice="invitation-revoked")
    return project_form(name, Permission.COLLABORATORS, COLLABORATORS, run, sudo=True, back="collaborators/")


@route(BASE + "/collaborators/change", methods=["POST"], content_types=FORM)
def change_role(name: str) -> Response:
    def run(req: web.WebRequest, username: str, found: ProjectInfo) -> Response:
        collaborators.change_role(username, found, req.form.get("username", ""), req.form.get("role", ""),
                                  req.origin)
        return web.redirect(req, _base(found) + "collaborators/", notice="role-changed")
    return project_form(name, Permission.COLLABORATORS, COLLABORATORS, run, sudo=True, back="collaborators/")


@route(BASE + "/collaborators/remove", methods=["POST"], content_types=FORM)
def remove(name: str) -> Response:
    """Removing someone (Owners) or oneself (any member): the service asks which is allowed."""
    def run(req: web.WebRequest, username: str, found: ProjectInfo) -> Response:
        target = req.form.get("username", "")
        collaborators.remove(username, found, target, req.origin)
        if target == username:
            return web.redirect(req, "/manage/projects/", notice="left-project")
        return web.redirect(req, _base(found) + "collaborators/", notice="collaborator-removed")
    return project_form(name, Permission.LEAVE, "manage/project.html", run, sudo=True)


def _answer(req: web.WebRequest, template: str, *, token: str = "", project: str = "",
            **context: Any) -> Response:
    username = req.require_user()

    def act() -> Response:
        accept = req.form.get("answer") == "accept"
        try:
            display = collaborators.answer(username, accept=accept, origin=req.origin, token=token, project=project)
        except TwoFactorRequired:
            return web.redirect(req, "/manage/account/", notice="invitation-needs-two-factor")
        if accept:
            return web.redirect(req, f"/manage/project/{normalize(display)}/", notice="invitation-accepted")
        return web.redirect(req, "/manage/projects/", notice="invitation-declined")
    return web.form_action(req, template, act, **context)


@route("/account/invitation", methods=["GET"])
def invitation_page() -> Response:
    req = routes.web_request()
    token = req.query.get("token", "")
    if (gate := web.gate(req, back=f"/account/invitation/?token={token}")) is not None:
        return gate
    try:
        found = collaborators.invitation(token, req.require_user())
    except CheeseshopError as exc:
        return web.page(req, "account/link-error.html", exc.status, error=exc.message)
    return web.page(req, "account/invitation.html", invitation=found, token=token)


@route("/account/invitation", methods=["POST"], content_types=FORM)
def answer_by_link() -> Response:
    req = routes.web_request()
    if (gate := web.gate(req)) is not None:
        return gate
    return _answer(req, "account/link-error.html", token=req.form.get("token", ""))


@route("/manage/projects/invitation", methods=["POST"], content_types=FORM)
def answer_from_projects() -> Response:
    req = routes.web_request()
    if (gate := web.gate(req)) is not None:
        return gate
    return _answer(req, "account/link-error.html", project=req.form.get("project", ""))
